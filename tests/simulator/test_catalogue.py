import pytest

from simulator import catalogue
from simulator.catalogue import (
    FIGURE_NAMES,
    HYPERVISOR_TYPES,
    ISOLATION_LEVELS,
    LAYERS,
    PRESETS,
    SOURCES,
    CatalogueError,
    UnknownFigure,
    load,
)

PALETTE = [
    "hardware",
    "host-os",
    "host-os-windows",
    "hypervisor",
    "guest-os",
    "guest-os-minimal",
    "guest-os-windows",
    "container-runtime",
    "microvm",
    "gvisor",
    "kata",
    "unikernel",
    "wasm-runtime",
    "app",
]

ALL_LAYERS = [*LAYERS.values(), *HYPERVISOR_TYPES.values()]
ALL_FIGURES = [
    pytest.param(found, id=f"{layer.name}: {name}")
    for layer in ALL_LAYERS
    for name in FIGURE_NAMES
    if (found := getattr(layer.figures, name)) is not None
]


class TestFigures:
    """Every figure says where it comes from: a source, or an honest "estimate" flag, and a
    note on the conditions it was measured under."""

    @pytest.mark.parametrize("figure", ALL_FIGURES)
    def test_every_figure_has_a_source_or_is_flagged_estimate(self, figure):
        assert figure.source is not None or figure.estimate

    @pytest.mark.parametrize("figure", ALL_FIGURES)
    def test_every_figure_has_a_note(self, figure):
        assert figure.note

    @pytest.mark.parametrize("figure", ALL_FIGURES)
    def test_every_cited_source_exists_with_a_title_and_year(self, figure):
        if figure.source is not None:
            assert SOURCES[figure.source.id] is figure.source
            assert figure.source.title
            assert 2000 <= figure.source.year <= 2030

    def test_the_brief_s_section_f_defaults_are_used(self):
        guest = LAYERS["guest-os"].figures
        assert (guest.startup_ms.value, guest.memory_mb.value, guest.disk_mb.value) == (
            8000,
            400,
            650,
        )
        assert HYPERVISOR_TYPES[2].figures.compute_overhead.value == 0.10
        assert HYPERVISOR_TYPES[2].figures.compute_overhead.estimate

    def test_overheads_are_fractions_below_one(self):
        for layer in ALL_LAYERS:
            for figure in (layer.figures.compute_overhead, layer.figures.io_overhead):
                assert figure is None or figure.value < 1


class TestSources:
    """Sources are the brief's S1…S35, each with a title, a year and a link or none."""

    def test_every_source_of_the_brief_is_listed_in_order(self):
        assert list(SOURCES) == [f"S{number}" for number in range(1, 36)]

    @pytest.mark.parametrize("source", SOURCES.values(), ids=list(SOURCES))
    def test_every_source_has_a_title_a_year_and_a_web_link_or_none(self, source):
        assert source.title
        assert 2000 <= source.year <= 2030
        assert source.url == "" or source.url.startswith("https://")


class TestLayers:
    """The palette holds the fixed slugs, in order, each with a name and a tooltip of at most
    90 characters; layers that create instances give their isolation level."""

    def test_the_palette_has_the_fixed_slugs_in_order(self):
        assert list(LAYERS) == PALETTE

    @pytest.mark.parametrize("layer", LAYERS.values(), ids=list(LAYERS))
    def test_every_layer_has_a_name_and_a_short_tooltip(self, layer):
        assert layer.slug and layer.name
        assert 0 < len(layer.description) <= 90

    @pytest.mark.parametrize("layer", LAYERS.values(), ids=list(LAYERS))
    def test_layers_that_create_instances_give_an_isolation_level(self, layer):
        assert (layer.isolation in ISOLATION_LEVELS) == layer.creates_instances

    def test_the_hypervisor_types_are_named(self):
        assert HYPERVISOR_TYPES[1].name == "Hypervisor (type 1)"
        assert HYPERVISOR_TYPES[2].name == "Hypervisor (type 2)"

    def test_presets_name_known_layers_and_counterparts(self):
        for preset in PRESETS.values():
            assert set(preset.layers) <= set(LAYERS)
            assert preset.counterpart in PRESETS


class TestLoading:
    """A broken catalogue file stops the import with a message that names the place."""

    @pytest.fixture
    def catalogue_text(self):
        from simulator.catalogue import CATALOGUE_PATH

        return CATALOGUE_PATH.read_text(encoding="utf-8")

    def test_it_rejects_a_source_that_does_not_exist(self, tmp_path, catalogue_text):
        broken = tmp_path / "catalogue.toml"
        broken.write_text(catalogue_text.replace('source = "S25"', 'source = "S99"', 1))
        with pytest.raises(CatalogueError, match=r"layers\.guest-os\.startup_ms.*S99"):
            load(broken)

    def test_it_rejects_an_overhead_of_100_percent(self, tmp_path, catalogue_text):
        broken = tmp_path / "catalogue.toml"
        text = catalogue_text.replace(
            "[layers.microvm.io_overhead]\nvalue = 0.957", "[layers.microvm.io_overhead]\nvalue = 1"
        )
        assert text != catalogue_text
        broken.write_text(text)
        with pytest.raises(CatalogueError, match="below 1"):
            load(broken)

    def test_it_loads_the_shipped_catalogue(self):
        assert load().layers == LAYERS


class TestFigureLookup:
    """Lessons quote a figure by reference, "<layer>.<figure>", and get its value, unit, text,
    source and year from the catalogue; a reference to nothing is refused with a clear error."""

    def test_it_quotes_a_layer_figure_with_its_source(self):
        quoted = catalogue.figure("guest-os.startup_ms")
        guest = LAYERS["guest-os"].figures.startup_ms
        assert (quoted.value, quoted.unit, quoted.text) == (guest.value, "ms", "8.0 s")
        assert quoted.source is guest.source
        assert (quoted.source_id, quoted.year) == (guest.source.id, guest.source.year)
        assert quoted.source_title == guest.source.title
        assert quoted.estimate is guest.estimate

    @pytest.mark.parametrize(
        ("reference", "text"),
        [
            ("app.memory_mb", "77 MB"),
            ("container-runtime.density_cap", "110 instances"),
            ("hypervisor.io_overhead", "50%"),
            ("wasm-runtime.startup_ms", "5 µs"),
        ],
    )
    def test_it_writes_each_kind_of_figure_in_its_unit(self, reference, text):
        assert catalogue.figure(reference).text == text

    def test_it_quotes_a_hypervisor_type_s_own_figure(self):
        quoted = catalogue.figure("hypervisor.type2.compute_overhead")
        assert quoted.value == HYPERVISOR_TYPES[2].figures.compute_overhead.value
        assert quoted.estimate

    def test_an_estimate_without_a_source_has_no_year(self):
        quoted = catalogue.figure("host-os.shared_memory_mb")
        assert quoted.estimate and quoted.source is None and quoted.year is None

    @pytest.mark.parametrize(
        "reference",
        ["guest-os.boot_ms", "teleporter.startup_ms", "guest-os", "hardware.startup_ms", ""],
    )
    def test_it_refuses_a_reference_to_nothing(self, reference):
        with pytest.raises(UnknownFigure, match="No figure .* in the simulator's catalogue"):
            catalogue.figure(reference)
