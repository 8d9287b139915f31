import pytest

from simulator import catalogue
from simulator.catalogue import (
    CPU,
    FIGURE_NAMES,
    ISOLATION_LEVELS,
    LAYERS,
    NESTING,
    PRESETS,
    SOURCES,
    WORKLOADS,
    CatalogueError,
    UnknownFigure,
    load,
)

PALETTE = [
    "hardware",
    "host-os",
    "host-os-windows",
    "hypervisor",
    "hypervisor-type2",
    "guest-os",
    "guest-os-minimal",
    "guest-os-windows",
    "orchestrator",
    "container-runtime",
    "microvm",
    "gvisor",
    "kata",
    "unikernel",
    "wasm-runtime",
    "app",
]

ALL_LAYERS = list(LAYERS.values())
ALL_FIGURES = [
    *(
        pytest.param(found, id=f"{layer.name}: {name}")
        for layer in ALL_LAYERS
        for name in FIGURE_NAMES
        if (found := getattr(layer.figures, name)) is not None
    ),
    *(
        pytest.param(found, id=f"{layer.name}: {name}")
        for layer in ALL_LAYERS
        for name, found in layer.extra.items()
    ),
    *(
        pytest.param(phase.duration, id=f"{layer.name}: {phase.name}")
        for layer in ALL_LAYERS
        for phase in layer.phases
    ),
    pytest.param(NESTING.compute_overhead, id="nesting: compute"),
    pytest.param(NESTING.io_overhead, id="nesting: io"),
    pytest.param(NESTING.startup_factor, id="nesting: startup"),
    pytest.param(CPU.vcpus_per_vm, id="cpu: vcpus"),
    pytest.param(CPU.allocation_ratio, id="cpu: ratio"),
    *(pytest.param(w.io_intensity, id=f"workload: {w.slug}") for w in WORKLOADS.values()),
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
    def test_a_note_is_plain_text_as_the_ledger_shows_it(self, figure):
        assert "`" not in figure.note and "**" not in figure.note

    @pytest.mark.parametrize("figure", ALL_FIGURES)
    def test_every_cited_source_exists_with_a_title_and_year(self, figure):
        if figure.source is not None:
            assert SOURCES[figure.source.id] is figure.source
            assert figure.source.title
            assert 2000 <= figure.source.year <= 2030

    def test_a_general_purpose_guest_boots_in_8_s_idles_at_400_mb_and_ships_650_mb(self):
        guest = LAYERS["guest-os"].figures
        assert (guest.startup_ms.value, guest.memory_mb.value, guest.disk_mb.value) == (
            8000,
            400,
            650,
        )

    def test_the_desktop_hypervisor_s_cpu_cost_is_flagged_an_estimate(self):
        compute = LAYERS["hypervisor-type2"].figures.compute_overhead
        assert compute.value == 0.10
        assert compute.estimate

    def test_overheads_are_fractions_below_one(self):
        for layer in ALL_LAYERS:
            for figure in (layer.figures.compute_overhead, layer.figures.io_overhead):
                assert figure is None or figure.value < 1


class TestSources:
    """Sources are listed by id in numeric order, each with a title, a year and a link or
    none, and every source a figure cites is listed."""

    def test_sources_are_listed_in_numeric_order(self):
        numbers = [source.number for source in SOURCES.values()]
        assert numbers == sorted(numbers)
        assert list(SOURCES) == [f"S{number}" for number in numbers]

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

    def test_the_hypervisor_types_are_separate_named_layers(self):
        assert LAYERS["hypervisor"].name == "Hypervisor (type 1)"
        assert LAYERS["hypervisor"].hypervisor_type == 1
        assert LAYERS["hypervisor-type2"].name == "Desktop hypervisor (type 2)"
        assert LAYERS["hypervisor-type2"].hypervisor_type == 2

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
            ("orchestrator.density_cap", "110 instances"),
            ("hypervisor.io_overhead", "50%"),
            ("wasm-runtime.startup_ms", "5 µs"),
        ],
    )
    def test_it_writes_each_kind_of_figure_in_its_unit(self, reference, text):
        assert catalogue.figure(reference).text == text

    def test_it_quotes_an_extra_figure_a_lesson_cites(self):
        quoted = catalogue.figure("hypervisor.io_overhead_vhost")
        assert quoted.value == LAYERS["hypervisor"].extra["io_overhead_vhost"].value
        assert quoted.text == "1%"
        assert quoted.source_id == "S39"

    @pytest.mark.parametrize(
        ("reference", "text"),
        [
            ("nesting.startup_factor", "20%"),
            ("cpu.allocation_ratio", "4 vCPUs per core"),
            ("app.pull_ms", "3.0 s"),
        ],
    )
    def test_it_quotes_figures_outside_the_layers(self, reference, text):
        assert catalogue.figure(reference).text == text

    def test_an_estimate_without_a_source_has_no_year(self):
        quoted = catalogue.figure("host-os.shared_memory_mb")
        assert quoted.estimate and quoted.source is None and quoted.year is None

    @pytest.mark.parametrize(
        "reference",
        [
            "guest-os.boot_ms",
            "teleporter.startup_ms",
            "guest-os",
            "hardware.startup_ms",
            "hypervisor.type2.compute_overhead",
            "nesting.memory_mb",
            "",
        ],
    )
    def test_it_refuses_a_reference_to_nothing(self, reference):
        with pytest.raises(UnknownFigure, match="No figure .* in the simulator's catalogue"):
            catalogue.figure(reference)


class TestBootPhases:
    """A layer's boot phases are catalogue data that add up to its startup figure, each with
    its own source (or estimate flag) and note."""

    @pytest.mark.parametrize(
        "layer", [layer for layer in LAYERS.values() if layer.phases], ids=lambda layer: layer.slug
    )
    def test_the_phases_add_up_to_the_layer_s_startup(self, layer):
        total = sum(phase.duration.value for phase in layer.phases)
        assert total == pytest.approx(layer.figures.startup_ms.value)

    def test_a_general_purpose_vm_boots_through_firmware_loader_kernel_and_init(self):
        phases = [(p.name, p.duration.value) for p in LAYERS["guest-os"].phases]
        assert [value for _, value in phases] == [500, 1200, 1500, 4800]
        assert all(phase.duration.estimate for phase in LAYERS["guest-os"].phases)

    def test_a_firecracker_microvm_takes_161_ms_end_to_end(self):
        microvm = LAYERS["microvm"].figures.startup_ms.value
        guest = LAYERS["guest-os-minimal"].figures.startup_ms.value
        assert (microvm, guest, microvm + guest) == (51, 110, 161)
        assert LAYERS["guest-os-minimal"].figures.startup_ms.source.id == "S2"

    def test_it_refuses_phases_that_do_not_add_up(self, tmp_path):
        from simulator.catalogue import CATALOGUE_PATH

        text = CATALOGUE_PATH.read_text(encoding="utf-8")
        broken = text.replace(
            'name = "Boot loader"\nvalue = 1200', 'name = "Boot loader"\nvalue = 1300'
        )
        assert broken != text
        path = tmp_path / "catalogue.toml"
        path.write_text(broken)
        with pytest.raises(CatalogueError, match=r"layers\.guest-os.*phases add up to 8100"):
            load(path)


class TestCorrectedFigures:
    """Figures the 2026 measurements corrected: system calls, Kata 4.x, container start."""

    def test_containers_are_told_305_of_367_system_calls(self):
        shares = LAYERS["container-runtime"].shares
        assert "305" in shares and "367" in shares and "300+" not in shares
        assert "300+" not in ISOLATION_LEVELS[2].shares

    def test_kata_figures_are_kata_4_ci_baselines(self):
        kata = LAYERS["kata"].figures
        assert (kata.startup_ms.value, kata.memory_mb.value) == (710, 120)
        assert kata.startup_ms.source.id == kata.memory_mb.source.id == "S38"

    def test_a_secondary_source_s_figures_say_so(self):
        for layer in LAYERS.values():
            for name in FIGURE_NAMES:
                found = getattr(layer.figures, name)
                if found is not None and found.source is not None and found.source.id == "S14":
                    assert "secondary" in found.note, (layer.slug, name)


def test_every_source_is_described_in_the_repository_s_sources_page():
    from simulator.catalogue import CATALOGUE_PATH

    page = (CATALOGUE_PATH.parents[1] / "docs" / "sources.md").read_text(encoding="utf-8")
    for source in SOURCES.values():
        assert f"| {source.id} | " in page, source.id
