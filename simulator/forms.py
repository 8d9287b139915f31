from django import forms

from simulator import engine

STACK_MAX_CHARS = 400
MAX_HOST_MEMORY_GB = engine.MAX_HOST_MEMORY_MB // 1024
MIN_HOST_MEMORY_GB = engine.MIN_HOST_MEMORY_MB // 1024
DEFAULT_INSTANCES = 10
DEFAULT_MEMORY_GB = 16
DEFAULT_CORES = 8


def parse_stack(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


class StackField(forms.CharField):
    """A comma-separated list of layer slugs, bottom first. Checks only that every layer exists
    and that there are not too many: whether the stack can run is the engine's question."""

    def __init__(self, **kwargs):
        super().__init__(
            max_length=STACK_MAX_CHARS,
            error_messages={
                "max_length": f"That stack is too long: a stack holds at most "
                f"{engine.MAX_LAYERS} layers.",
                "required": "Choose at least one layer: start with Hardware.",
            },
            **kwargs,
        )

    def clean(self, value) -> tuple[str, ...]:
        stack = parse_stack(super().clean(value) or "")
        if self.required and not stack:
            raise forms.ValidationError(self.error_messages["required"])
        if len(stack) > engine.MAX_LAYERS:
            raise forms.ValidationError(
                f"A stack holds at most {engine.MAX_LAYERS} layers; this one has {len(stack):,}."
            )
        unknown = [p for p in engine.validate(stack) if p.layer and p.layer not in engine.LAYERS]
        if unknown:
            raise forms.ValidationError([problem.message for problem in unknown])
        return stack


def whole_number(label: str, low: int, high: int, **kwargs) -> forms.IntegerField:
    message = f"{label} must be a whole number from {low:,} to {high:,}."
    return forms.IntegerField(
        min_value=low,
        max_value=high,
        error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), message),
        **kwargs,
    )


class SimulatorForm(forms.Form):
    """What the simulator page and API read from the query string."""

    stack = StackField(required=False)
    compare = StackField(required=False)
    prev = StackField(required=False)
    instances = whole_number(
        "Instances", engine.MIN_INSTANCES, engine.MAX_INSTANCES, required=False
    )
    memory = whole_number(
        "Host memory (GB)", MIN_HOST_MEMORY_GB, MAX_HOST_MEMORY_GB, required=False
    )
    cores = whole_number("Host cores", engine.MIN_HOST_CORES, engine.MAX_HOST_CORES, required=False)
    add = forms.ChoiceField(
        required=False,
        choices=[(slug, layer.name) for slug, layer in engine.LAYERS.items()],
        error_messages={"invalid_choice": "“%(value)s” is not a layer this simulator knows."},
    )
    preset = forms.ChoiceField(
        required=False,
        choices=[(slug, preset.name) for slug, preset in engine.PRESETS.items()],
        error_messages={"invalid_choice": "“%(value)s” is not one of the presets."},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("add") and len(cleaned.get("stack") or ()) >= engine.MAX_LAYERS:
            self.add_error(
                "add",
                f"The tower is full: a stack holds at most {engine.MAX_LAYERS} layers. "
                "Remove one first.",
            )
        return cleaned

    def value(self, name: str, default):
        """The cleaned value of a field that passed, else the default: one bad field does not
        throw away the rest of the learner's state."""
        value = getattr(self, "cleaned_data", {}).get(name)
        return default if value in (None, ()) else value


class MetricsApiForm(SimulatorForm):
    stack = StackField(required=True)
