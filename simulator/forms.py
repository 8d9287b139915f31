from functools import lru_cache

from django import forms
from django.template.loader import render_to_string

from simulator import engine, messages, shell, tower
from simulator.units import MB_PER_GB

STACK_MAX_CHARS = 400


def parse_stack(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


class StackField(forms.CharField):
    """A comma-separated list of layer slugs, bottom first. Checks only that every layer exists
    and that there are not too many: whether the stack can run is the engine's question."""

    def __init__(self, **kwargs):
        super().__init__(
            max_length=STACK_MAX_CHARS,
            error_messages={
                "max_length": messages.STACK_TEXT_TOO_LONG,
                "required": messages.EMPTY_STACK,
            },
            **kwargs,
        )

    def clean(self, value) -> tuple[str, ...]:
        stack = parse_stack(super().clean(value) or "")
        if self.required and not stack:
            raise forms.ValidationError(self.error_messages["required"])
        if len(stack) > engine.MAX_LAYERS:
            raise forms.ValidationError(messages.too_many_layers(len(stack)))
        unknown = [p for p in engine.validate(stack) if p.layer and p.layer not in engine.LAYERS]
        if unknown:
            raise forms.ValidationError([problem.message for problem in unknown])
        return stack


class LayerField(forms.ChoiceField):
    """One layer slug, refused in the engine's words (quoting at most a few words of it)."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=[(slug, layer.name) for slug, layer in engine.LAYERS.items()], **kwargs
        )

    def validate(self, value):
        if value and value not in engine.LAYERS:
            raise forms.ValidationError(messages.unknown_layer(value), code="invalid_choice")
        super().validate(value)


class PresetField(forms.ChoiceField):
    """One preset's slug; an unknown one is quoted short, as ``LayerField`` quotes a layer."""

    def __init__(self, **kwargs):
        choices = [(slug, preset.name) for slug, preset in engine.PRESETS.items()]
        super().__init__(choices=choices, **kwargs)

    def validate(self, value):
        if value and value not in engine.PRESETS:
            message = f"“{messages.echo(value)}” is not one of the presets."
            raise forms.ValidationError(message, code="invalid_choice")
        super().validate(value)


class EditField(forms.CharField):
    """A layer button's press, ``<side>:<operation>:<index>`` (see ``simulator.tower``)."""

    def __init__(self, **kwargs):
        super().__init__(max_length=20, **kwargs)

    def clean(self, value) -> tower.Edit | None:
        text = super().clean(value)
        if not text:
            return None
        edit = tower.Edit.parse(text)
        if edit is None:
            raise forms.ValidationError(
                f"“{messages.echo(text)}” is not a button of this page: use the tower's buttons."
            )
        return edit


class CommandField(forms.CharField):
    """A command for the simulated terminal: at most ``shell.MAX_CHARS`` printable characters.
    Nothing ever runs it; the limit keeps the echo short and the answer a lookup."""

    def __init__(self, **kwargs):
        super().__init__(
            max_length=shell.MAX_CHARS,
            strip=True,
            error_messages={
                "max_length": f"A command here is at most {shell.MAX_CHARS} characters long.",
                "required": "Type a command, for example uname -r, or help.",
            },
            **kwargs,
        )

    def validate(self, value):
        super().validate(value)
        if any(ord(char) < 32 or ord(char) == 127 for char in value):
            raise forms.ValidationError(
                "A command is one line of printable characters: no tabs, line breaks or "
                "control characters."
            )


def whole_number(name: str, low: int, high: int, **kwargs) -> forms.IntegerField:
    message = messages.out_of_range(name, low, high)
    return forms.IntegerField(
        min_value=low,
        max_value=high,
        error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), message),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        **kwargs,
    )


def instances_field(**kwargs) -> forms.IntegerField:
    return whole_number("Instances", engine.MIN_INSTANCES, engine.MAX_INSTANCES, **kwargs)


def memory_field(**kwargs) -> forms.IntegerField:
    """Host memory in whole gigabytes: the one place the simulator counts in GB."""
    return whole_number(
        "Host memory (GB)",
        engine.MIN_HOST_MEMORY_MB // MB_PER_GB,
        engine.MAX_HOST_MEMORY_MB // MB_PER_GB,
        **kwargs,
    )


def cores_field(**kwargs) -> forms.IntegerField:
    return whole_number("Host cores", engine.MIN_HOST_CORES, engine.MAX_HOST_CORES, **kwargs)


def workload_field(**kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=[(slug, workload.name) for slug, workload in engine.WORKLOADS.items()],
        error_messages={"invalid_choice": "Choose one of the workloads listed."},
        **kwargs,
    )


class SimulatorForm(forms.Form):
    """What the simulator page and API read from the query string. ``memory`` arrives in GB
    and leaves ``cleaned_data`` in MB."""

    stack = StackField(required=False)
    compare = StackField(required=False)
    prev = StackField(required=False)
    instances = instances_field(required=False)
    memory = memory_field(required=False)
    cores = cores_field(required=False)
    workload = workload_field(required=False)
    add = LayerField(required=False)
    preset = PresetField(required=False)
    edit = EditField(required=False)
    pull = forms.BooleanField(required=False)
    command = CommandField(required=False)
    where = forms.ChoiceField(
        required=False,
        choices=list(shell.WHERE.items()),
        error_messages={"invalid_choice": "Run it inside instance 1 or on the host."},
    )
    side = forms.ChoiceField(
        required=False,
        choices=list(tower.SIDES.items()),
        error_messages={
            "invalid_choice": "Choose which stack to change: yours or the compared one."
        },
    )

    def clean_memory(self):
        memory = self.cleaned_data.get("memory")
        return None if memory is None else memory * MB_PER_GB

    def clean(self):
        cleaned = super().clean()
        side = cleaned.get("side") or "stack"
        if cleaned.get("add") and len(cleaned.get(side) or ()) >= engine.MAX_LAYERS:
            self.add_error("add", messages.TOWER_FULL)
        edit = cleaned.get("edit")
        if edit and not edit.possible(cleaned.get(edit.side) or ()):
            self.add_error(
                "edit", "That layer has moved since the page was drawn: try the button again."
            )
        return cleaned

    def value(self, name: str, default):
        """The cleaned value of a field that passed, else the default: one bad field does not
        throw away the rest of the learner's state."""
        value = getattr(self, "cleaned_data", {}).get(name)
        return default if value in (None, ()) else value


class MetricsApiForm(SimulatorForm):
    stack = StackField(required=True)


class ShellApiForm(MetricsApiForm):
    command = CommandField(required=True)


class HostForm(forms.Form):
    """The host and workload settings as the page's form shows them, bounds included."""

    instances = instances_field(label="Instances to run")
    memory = memory_field(label="Host memory (GB)")
    cores = cores_field(label="Host cores")
    workload = workload_field(label="Workload")

    @classmethod
    def showing(cls, instances: int, host_memory_mb: int, cores: int, workload: str) -> "HostForm":
        return cls(
            label_suffix="",
            initial={
                "instances": instances,
                "memory": host_memory_mb // MB_PER_GB,
                "cores": cores,
                "workload": workload,
            },
        )


@lru_cache(maxsize=256)
def host_fields(instances: int, host_memory_mb: int, cores: int, workload: str) -> str:
    """The settings form's fields as HTML. Django renders every widget and every <option> through
    a template: about 5 ms for this form, a third of a simulator update's server time. The HTML
    depends only on these four values, so each combination is rendered once per process."""
    form = HostForm.showing(instances, host_memory_mb, cores, workload)
    return render_to_string("simulator/host_fields.html", {"form": form})
