"""Which layer may sit on which, and why not, in a learner's words.

``RULES`` holds one small function per kind of layer: given the layer and the one directly
beneath it, it returns the reason the placement cannot work, or ``None``. A test checks that
every kind in the catalogue has a rule, so a new kind of layer is refused everywhere until
someone writes down where it may go. ``NOTES`` holds caveats about placements that do work.

``check`` walks a whole stack with them. Standard library only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from simulator import messages
from simulator.catalogue import LAYERS, Layer
from simulator.limits import MAX_LAYERS

__all__ = ["NOTES", "RULES", "Note", "Problem", "application_problem", "check"]


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a stack cannot run, and how to fix it.

    ``index`` is the position of the layer at fault (0 = bottom), or ``None`` for the stack as a
    whole; ``layer`` is the slug found there.
    """

    index: int | None
    layer: str | None
    message: str


@dataclass(frozen=True, slots=True)
class Note:
    """Something worth knowing about a stack that runs: a caveat, not a problem."""

    index: int | None
    layer: str | None
    message: str


Rule = Callable[[Layer, Layer], str | None]

OS_KINDS = frozenset({"host-os", "guest-os"})
VMM_KINDS = frozenset({"hypervisor", "hosted-hypervisor", "microvm"})
HYPERVISOR_KINDS = frozenset({"hypervisor", "hosted-hypervisor"})
CONTAINER_KINDS = frozenset({"container-runtime", "sandbox-runtime", "vm-runtime"})


def _name(slug: str) -> str:
    return LAYERS[slug].name


def _is_os(layer: Layer) -> bool:
    return layer.kind in OS_KINDS


def _linux_kernel(layer: Layer) -> bool:
    return _is_os(layer) and layer.family == "linux"


HARDWARE_ABOVE = "Hardware can only be the bottom layer: remove this one."


def _hardware(layer: Layer, below: Layer) -> str | None:
    return HARDWARE_ABOVE


def _host_os(layer: Layer, below: Layer) -> str | None:
    if below.kind == "hardware":
        return None
    if below.kind in VMM_KINDS:
        return (
            f"An OS on top of the {below.name} is a guest OS: replace {layer.name} with a guest OS."
        )
    return (
        f"A host OS runs directly on the Hardware: move {layer.name} down to just above Hardware."
    )


def _hypervisor(layer: Layer, below: Layer) -> str | None:
    if below.kind == "hardware" or _is_os(below):
        return None
    return (
        "A type-1 hypervisor runs directly on the Hardware or as part of a host OS's kernel "
        f"(KVM in Linux): move it down, or put an OS between {below.name} and {layer.name}."
    )


def _hosted_hypervisor(layer: Layer, below: Layer) -> str | None:
    if below.kind == "host-os":
        return None
    return (
        f"A {layer.name} is an application on a desktop OS: put a host OS directly beneath it, "
        f"not {below.name}."
    )


def _guest_os(layer: Layer, below: Layer) -> str | None:
    if below.kind in HYPERVISOR_KINDS or (
        below.kind == "microvm" and layer.slug == "guest-os-minimal"
    ):
        return None
    if below.kind == "microvm":
        return (
            "A microVM monitor boots only a minimal Linux guest: replace "
            f"{layer.name} with {_name('guest-os-minimal')}."
        )
    return (
        f"A guest OS needs a hypervisor beneath it: add one between {below.name} and {layer.name}."
    )


def _microvm(layer: Layer, below: Layer) -> str | None:
    if below.kind == "host-os" and below.family == "linux":
        return None
    return (
        f"The {layer.name} (Firecracker-class) needs Linux with KVM beneath it: put "
        f"{_name('host-os')} directly below it."
    )


def _orchestrator(layer: Layer, below: Layer) -> str | None:
    if _linux_kernel(below):
        return None
    return (
        f"The {layer.name} runs on a Linux node here: put a Linux OS directly beneath it. "
        "Kubernetes also has Windows nodes, for Windows containers, which this palette lacks."
    )


def _container_runtime(layer: Layer, below: Layer) -> str | None:
    if _linux_kernel(below) or below.kind == "orchestrator":  # Kata in a guest: nested
        return None
    if below.kind == "host-os":  # a Windows host
        if layer.kind == "container-runtime":
            return (
                "Linux containers need a Linux kernel, and Windows has none: add a Hypervisor "
                f"and a Linux guest OS between {below.name} and {layer.name}, as Docker Desktop "
                "does."
            )
        return f"The {layer.name} needs Linux beneath it, not Windows: use {_name('host-os')}."
    if below.kind == "guest-os":  # a Windows guest
        return (
            f"The {layer.name} needs a Linux kernel: use a Linux guest OS instead of {below.name}."
        )
    return (
        f"The {layer.name} needs a Linux kernel directly beneath it: add a Linux OS between "
        f"{below.name} and {layer.name}."
    )


def _unikernel(layer: Layer, below: Layer) -> str | None:
    if below.kind in VMM_KINDS:
        return None
    if below.kind == "guest-os":
        return (
            "A unikernel replaces the guest OS: put it directly on the hypervisor, without "
            f"{below.name}."
        )
    return (
        "A unikernel boots directly on a hypervisor or a microVM monitor: put one between "
        f"{below.name} and {layer.name}."
    )


def _wasm_runtime(layer: Layer, below: Layer) -> str | None:
    if _is_os(below) or below.kind in CONTAINER_KINDS:
        return None
    return (
        f"The {layer.name} is an ordinary program: it needs an OS or a container runtime "
        f"directly beneath it, not {below.name}."
    )


def _app(layer: Layer, below: Layer) -> str | None:
    if _is_os(below) or below.kind in CONTAINER_KINDS or below.kind == "wasm-runtime":
        return None
    if below.kind == "hardware":
        return (
            "An application needs an operating system: add a host OS between Hardware and "
            "Application."
        )
    if below.kind == "orchestrator":
        return (
            f"The {below.name} runs no application itself: it asks a container runtime to start "
            "pods. Add one between them."
        )
    if below.kind in VMM_KINDS:
        guest = "a guest OS" if below.kind in HYPERVISOR_KINDS else _name("guest-os-minimal")
        return f"An application can't run on the {below.name} directly: add {guest} between them."
    return f"An application needs an OS or a runtime directly beneath it, not {below.name}."


RULES: dict[str, Rule] = {
    "hardware": _hardware,
    "host-os": _host_os,
    "hypervisor": _hypervisor,
    "hosted-hypervisor": _hosted_hypervisor,
    "guest-os": _guest_os,
    "orchestrator": _orchestrator,
    "microvm": _microvm,
    "container-runtime": _container_runtime,
    "sandbox-runtime": _container_runtime,
    "vm-runtime": _container_runtime,
    "unikernel": _unikernel,
    "wasm-runtime": _wasm_runtime,
    "app": _app,
}
"""For each kind of layer: why it cannot sit on the layer beneath, or None when it can."""


def _nested(what: str) -> Rule:
    def note(layer: Layer, below: Layer) -> str | None:
        if below.kind != "guest-os":
            return None
        return (
            f"{what} needs nested virtualization, which the outer hypervisor must allow; its "
            "boot, CPU and I/O pay extra (“Nested virtualization” in the ledger)."
        )

    return note


def _hypervisor_note(layer: Layer, below: Layer) -> str | None:
    if below.kind == "guest-os":
        return _nested("A hypervisor inside a VM")(layer, below)
    if below.kind != "host-os":
        return None
    if below.family == "linux":
        return (
            "On Linux the hypervisor is KVM, part of the Linux kernel, so this host OS is the "
            "hypervisor's own: type 1 in practice, with KVM's figures."
        )
    return (
        "On Windows the hypervisor is Hyper-V: once enabled it slips beneath Windows, which "
        "becomes its first VM, so it is type 1 in practice."
    )


def _hosted_hypervisor_note(layer: Layer, below: Layer) -> str | None:
    if below.family == "windows":
        return (
            "With Hyper-V or virtualization-based security enabled, Windows keeps the processor's "
            "virtualization for itself, and VirtualBox and Workstation run their VMs through "
            "Hyper-V's Windows Hypervisor Platform."
        )
    return (
        "A desktop hypervisor runs as an application on its host OS (with its own kernel "
        "driver), so its VMs pay the host OS's scheduling and the application's overhead."
    )


def _gvisor_note(layer: Layer, below: Layer) -> str | None:
    if below.kind != "guest-os":
        return None
    return (
        "Inside a VM, run gVisor with its systrap platform: its KVM platform wants bare metal, "
        "and nested virtualization performs poorly."
    )


def _containers_note(layer: Layer, below: Layer) -> str | None:
    if below.kind != "guest-os":
        return None
    return (
        "The containers share this guest's kernel with each other; the VM around them "
        "separates them from the host, not from each other."
    )


UNIKERNEL_PROGRAM = (
    "A unikernel runs the one program built into its image, such as NGINX or Redis compiled with "
    "Unikraft: a single process that cannot fork or start other programs, with no shell. It is "
    "not this course's Node.js service, and it cannot run a CI job's compilers and scripts."
)


def _unikernel_note(layer: Layer, below: Layer) -> str | None:
    return UNIKERNEL_PROGRAM


def application_problem(stack: tuple[str, ...]) -> str | None:
    """Why ``stack`` does not run the course's application (the Node.js service), or ``None``
    when it does. A stack that cannot run at all is ``check``'s business, not this."""
    if "app" in stack:
        return None
    if "unikernel" in stack:
        return UNIKERNEL_PROGRAM
    return messages.NO_APPLICATION


def _app_note(layer: Layer, below: Layer) -> str | None:
    if below.kind != "wasm-runtime":
        return None
    return "The application must be compiled to WebAssembly (a JavaScript engine can be)."


NOTES: dict[str, Rule] = {
    "hypervisor": _hypervisor_note,
    "hosted-hypervisor": _hosted_hypervisor_note,
    "vm-runtime": _nested("Kata starts a VM for each pod, so inside a guest OS it"),
    "sandbox-runtime": _gvisor_note,
    "container-runtime": _containers_note,
    "unikernel": _unikernel_note,
    "app": _app_note,
}
"""For some kinds of layer: a caveat about a placement that works, or None."""


def _misplaced(layer: Layer, below: Layer) -> str | None:
    """What is wrong with ``layer`` sitting directly on ``below``, if anything."""
    if below.kind == "app":
        return (
            f"Nothing can sit on top of the Application: move {layer.name} below it, or remove it."
        )
    if below.kind == "unikernel":
        return (
            "A unikernel already contains its OS and its application, so nothing can sit on "
            f"top of it: remove {layer.name}."
        )
    return RULES[layer.kind](layer, below)


def _judge(
    index: int, layer: Layer, below: Layer | None, apps: int
) -> tuple[str | None, str | None]:
    """The problem with one known layer, or else a note on it."""
    if index == 0:
        if layer.kind != "hardware":
            return f"Every stack starts from Hardware: add Hardware below {layer.name}.", None
        return None, None
    if layer.kind == "hardware":  # wherever it sits above the bottom
        return HARDWARE_ABOVE, None
    if layer.kind == "app" and apps:
        return "A stack runs one application: remove this second one.", None
    if below is None:  # on an unknown layer there is nothing to judge
        return None, None
    problem = _misplaced(layer, below)
    if problem is not None:
        return problem, None
    note = NOTES.get(layer.kind)
    return None, note(layer, below) if note else None


@lru_cache(maxsize=4096)
def check(stack: tuple[str, ...]) -> tuple[tuple[Problem, ...], tuple[Note, ...]]:
    """The problems with a stack and the notes on it, bottom up, one problem per layer at most.

    Cached: a stack's verdict never changes, and learners revisit the same few stacks."""
    if not stack:
        return (Problem(None, None, messages.EMPTY_STACK),), ()
    problems: list[Problem] = []
    notes: list[Note] = []
    if len(stack) > MAX_LAYERS:
        problems.append(Problem(None, None, messages.too_many_layers(len(stack))))
    below: Layer | None = None  # the known layer directly beneath, None if unknown
    apps = 0
    for index, slug in enumerate(stack):
        layer = LAYERS.get(slug)
        if layer is None:
            problems.append(Problem(index, slug, messages.unknown_layer(slug)))
            below = None
            continue
        problem, note = _judge(index, layer, below, apps)
        if problem:
            problems.append(Problem(index, slug, problem))
        elif note:
            notes.append(Note(index, slug, note))
        apps += layer.kind == "app"
        below = layer
    return tuple(problems), tuple(notes)
