import itertools
import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.boot import boot_timeline
from simulator.catalogue import NESTING, WORKLOADS
from simulator.engine import (
    LAYERS,
    MAX_HOST_CORES,
    MAX_HOST_MEMORY_MB,
    MAX_INSTANCES,
    MAX_IO_INTENSITY,
    MAX_LAYERS,
    MIN_HOST_CORES,
    MIN_HOST_MEMORY_MB,
    MIN_INSTANCES,
    MIN_IO_INTENSITY,
    PRESETS,
    SOURCES,
    application_problem,
    counterpart_of,
    simulate,
    sources,
    validate,
)
from simulator.explain import cpu_share, explain_change
from simulator.metrics import CONSTRAINTS, EXPLAINED, METRICS
from simulator.rules import RULES

ROOT = Path(__file__).resolve().parents[2]

CONTAINER = PRESETS["container"].layers
VM = PRESETS["vm"].layers
TYPE1_VM = PRESETS["type1-vm"].layers
CONTAINERS_IN_VM = PRESETS["containers-in-vm"].layers
DESKTOP_VM = PRESETS["desktop-vm"].layers
KUBERNETES = PRESETS["kubernetes"].layers
NESTED_VM = ("hardware", "hypervisor", "guest-os", "hypervisor", "guest-os", "app")


def value(slug: str, figure: str) -> float:
    """A figure as the catalogue gives it, for the layer as a learner picks it."""
    return getattr(LAYERS[slug].figures, figure).value


def problem_at(stack, index):
    """The one problem reported for the layer at ``index``."""
    found = [problem for problem in validate(stack) if problem.index == index]
    assert len(found) == 1, validate(stack)
    return found[0]


def notes_of(stack) -> list[str]:
    return [note.message for note in simulate(stack).notes]


CORE_MODULES = [
    "simulator.engine",
    "simulator.catalogue",
    "simulator.rules",
    "simulator.explain",
    "simulator.units",
    "simulator.metrics",
    "simulator.messages",
    "simulator.limits",
    "simulator.result",
    "simulator.model",
    "simulator.boot",
    "simulator.sums",
]


@pytest.mark.parametrize("module", CORE_MODULES)
def test_engine_imports_no_django(module):
    code = f"import sys, {module}; sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


class TestTheStackAsAWhole:
    """A stack is 1 to MAX_LAYERS known layers with Hardware, and only Hardware, at the bottom.
    Every faulty layer is reported, once."""

    def test_it_reports_an_empty_stack(self):
        (problem,) = validate([])
        assert (problem.index, problem.layer) == (None, None)
        assert problem.message == "The stack is empty: start with Hardware."

    def test_it_names_a_layer_it_does_not_know(self):
        problem = problem_at(["hardware", "foo"], 1)
        assert problem.layer == "foo"
        assert problem.message == (
            "“foo” is not a layer this simulator knows. Pick one from the palette."
        )

    def test_it_rejects_more_than_the_maximum_number_of_layers(self):
        stack = ["hardware", *["host-os"] * MAX_LAYERS]
        (problem,) = [problem for problem in validate(stack) if problem.index is None]
        assert f"at most {MAX_LAYERS} layers" in problem.message
        assert "remove 1" in problem.message

    def test_it_accepts_exactly_the_maximum_number_of_layers(self):
        stack = ["hardware", *["host-os"] * (MAX_LAYERS - 1)]
        assert not [problem for problem in validate(stack) if problem.index is None]

    def test_it_requires_hardware_at_the_bottom(self):
        problem = problem_at(["host-os", "container-runtime", "app"], 0)
        assert (
            problem.message
            == "Every stack starts from Hardware: add Hardware below Host OS (Linux)."
        )

    def test_it_allows_hardware_only_at_the_bottom(self):
        problem = problem_at(["hardware", "host-os", "hardware"], 2)
        assert problem.message == "Hardware can only be the bottom layer: remove this one."

    def test_it_reports_every_faulty_layer_once(self):
        stack = ["hardware", "guest-os", "container-runtime", "app", "microvm"]
        # guest-os on hardware: no hypervisor; microvm on top of the app.
        assert [problem.index for problem in validate(stack)] == [1, 4]

    def test_it_does_not_judge_a_layer_standing_on_an_unknown_one(self):
        assert [problem.index for problem in validate(["hardware", "foo", "app"])] == [1]

    def test_a_stack_without_an_application_is_valid_but_incomplete(self):
        result = simulate(["hardware", "hypervisor", "guest-os"])
        assert result.valid
        assert not result.complete
        assert result.metrics.startup_ms == value("hypervisor", "startup_ms") + value(
            "guest-os", "startup_ms"
        )
        assert "No application yet" in result.notes[-1].message

    def test_an_invalid_stack_has_problems_and_no_metrics(self):
        result = simulate(["hardware", "app"])
        assert not result.valid
        assert result.problems == validate(["hardware", "app"])
        assert result.metrics is None
        assert sources(result) == ()


class TestOperatingSystems:
    """A host OS sits directly on Hardware. An OS above a hypervisor is a guest OS, and a guest
    OS needs a hypervisor or a microVM monitor directly beneath it."""

    @pytest.mark.parametrize("host", ["host-os", "host-os-windows"])
    def test_it_accepts_a_host_os_on_hardware(self, host):
        assert validate(["hardware", host]) == ()

    def test_it_rejects_a_host_os_above_a_hypervisor(self):
        problem = problem_at(["hardware", "hypervisor", "host-os"], 2)
        assert "is a guest OS" in problem.message

    def test_it_rejects_a_guest_os_without_a_hypervisor(self):
        problem = problem_at(["hardware", "host-os", "guest-os", "app"], 2)
        assert problem.message == (
            "A guest OS needs a hypervisor beneath it: add one between Host OS (Linux) "
            "and Guest OS (Linux)."
        )

    @pytest.mark.parametrize("guest", ["guest-os", "guest-os-minimal", "guest-os-windows"])
    def test_it_accepts_any_guest_os_on_a_hypervisor(self, guest):
        assert validate(["hardware", "hypervisor", guest, "app"]) == ()


class TestHypervisors:
    """A type-1 hypervisor runs on the Hardware or as part of a host OS's kernel: the article's
    VM stack (Linux with a hypervisor) is KVM, type 1 in practice, with KVM's figures. A type-2
    hypervisor (VirtualBox, VMware Workstation) is a separate choice, an application on a host
    OS, with its own figures."""

    def test_it_calls_a_hypervisor_on_hardware_type_1(self):
        result = simulate(TYPE1_VM)
        assert result.metrics.hypervisor_type == 1
        assert result.layers[1].name == "Hypervisor (type 1)"

    def test_the_article_s_vm_stack_is_kvm_type_1_with_kvm_s_figures(self):
        metrics = simulate(VM).metrics
        assert metrics.hypervisor_type == 1
        assert metrics.compute_overhead == pytest.approx(value("hypervisor", "compute_overhead"))
        assert metrics.memory_shared_mb == value("host-os", "shared_memory_mb")
        assert metrics.disk_shared_mb == 0

    def test_hyper_v_under_docker_desktop_is_type_1_too(self):
        stack = PRESETS["linux-containers-on-windows"].layers
        assert simulate(stack).metrics.hypervisor_type == 1

    def test_a_desktop_hypervisor_is_type_2_with_its_own_figures(self):
        metrics = simulate(DESKTOP_VM).metrics
        assert metrics.hypervisor_type == 2
        compute = value("hypervisor-type2", "compute_overhead")
        assert compute > value("hypervisor", "compute_overhead")
        assert metrics.compute_overhead == pytest.approx(compute)
        assert metrics.memory_shared_mb == value("host-os-windows", "shared_memory_mb") + value(
            "hypervisor-type2", "shared_memory_mb"
        )
        assert metrics.disk_shared_mb == value("hypervisor-type2", "shared_disk_mb")

    def test_a_desktop_hypervisor_needs_a_host_os(self):
        problem = problem_at(["hardware", "hypervisor-type2", "guest-os", "app"], 1)
        assert "application on a desktop OS" in problem.message
        assert "put a host OS directly beneath it" in problem.message

    def test_it_keeps_the_per_vm_figures_for_both_types(self):
        per_vm = value("hypervisor", "memory_mb")
        assert value("hypervisor-type2", "memory_mb") == per_vm
        expected = per_vm + value("guest-os", "memory_mb") + value("app", "memory_mb")
        assert simulate(VM).metrics.memory_per_instance_mb == expected
        assert simulate(TYPE1_VM).metrics.memory_per_instance_mb == expected

    def test_it_notes_that_kvm_is_part_of_the_linux_kernel(self):
        assert any("KVM, part of the Linux kernel" in note for note in notes_of(VM))
        windows = ["hardware", "host-os-windows", "hypervisor", "guest-os", "app"]
        assert any("Hyper-V" in note and "type 1" in note for note in notes_of(windows))

    def test_it_notes_that_type_2_on_windows_goes_through_hyper_v(self):
        assert any("Windows Hypervisor Platform" in note for note in notes_of(DESKTOP_VM))

    def test_it_rejects_a_hypervisor_on_a_container_runtime(self):
        problem = problem_at(["hardware", "host-os", "container-runtime", "hypervisor"], 3)
        assert "directly on the Hardware" in problem.message
        assert "KVM in Linux" in problem.message

    def test_it_notes_nested_virtualization_for_a_hypervisor_in_a_guest(self):
        stack = ["hardware", "hypervisor", "guest-os", "hypervisor", "guest-os", "app"]
        assert validate(stack) == ()
        assert any("nested virtualization" in note for note in notes_of(stack))


class TestMicroVMs:
    """A microVM monitor needs a Linux host OS beneath it, and boots only a minimal Linux guest
    or a unikernel."""

    @pytest.mark.parametrize(
        "stack",
        [
            ["hardware", "microvm"],
            ["hardware", "host-os-windows", "microvm"],
            ["hardware", "hypervisor", "guest-os", "microvm"],
        ],
    )
    def test_it_rejects_a_microvm_without_a_linux_host(self, stack):
        problem = problem_at(stack, len(stack) - 1)
        assert "needs Linux with KVM beneath it" in problem.message

    def test_it_rejects_a_general_purpose_guest_on_a_microvm(self):
        problem = problem_at(["hardware", "host-os", "microvm", "guest-os", "app"], 3)
        assert problem.message == (
            "A microVM monitor boots only a minimal Linux guest: replace Guest OS (Linux) "
            "with Guest OS (minimal Linux)."
        )

    @pytest.mark.parametrize("above", ["guest-os-minimal", "unikernel"])
    def test_it_accepts_a_minimal_guest_or_a_unikernel_on_a_microvm(self, above):
        assert validate(["hardware", "host-os", "microvm", above]) == ()


class TestContainerRuntimes:
    """Linux containers need a Linux kernel directly beneath them: the host's or a Linux
    guest's, never a hypervisor's (it has none) or Windows'."""

    @pytest.mark.parametrize(
        "stack",
        [
            ["hardware", "host-os", "container-runtime", "app"],
            ["hardware", "hypervisor", "guest-os", "container-runtime", "app"],
            ["hardware", "host-os", "microvm", "guest-os-minimal", "container-runtime", "app"],
        ],
    )
    def test_it_accepts_containers_on_a_linux_kernel(self, stack):
        assert validate(stack) == ()

    def test_it_rejects_a_container_runtime_directly_on_a_hypervisor(self):
        problem = problem_at(["hardware", "hypervisor", "container-runtime", "app"], 2)
        assert "needs a Linux kernel" in problem.message
        assert "add a Linux OS between Hypervisor (type 1) and Container runtime" in problem.message

    def test_it_rejects_linux_containers_on_a_windows_host(self):
        problem = problem_at(["hardware", "host-os-windows", "container-runtime", "app"], 2)
        assert "Linux guest OS" in problem.message
        assert "Docker Desktop" in problem.message

    def test_it_rejects_linux_containers_in_a_windows_guest(self):
        stack = ["hardware", "hypervisor", "guest-os-windows", "container-runtime", "app"]
        assert "Linux guest OS" in problem_at(stack, 3).message

    def test_it_notes_that_containers_in_a_vm_share_its_kernel(self):
        assert any("share this guest's kernel" in note for note in notes_of(CONTAINERS_IN_VM))


class TestSandboxedRuntimes:
    """gVisor needs a Linux kernel beneath it (inside a VM, its systrap platform). Kata needs
    Linux with KVM; inside a guest it needs nested virtualization."""

    @pytest.mark.parametrize(
        "stack",
        [
            ["hardware", "gvisor", "app"],
            ["hardware", "host-os-windows", "gvisor", "app"],
            ["hardware", "hypervisor", "gvisor", "app"],
        ],
    )
    def test_it_rejects_gvisor_without_a_linux_kernel(self, stack):
        problem = problem_at(stack, stack.index("gvisor"))
        assert "needs" in problem.message and "Linux" in problem.message

    def test_it_notes_the_systrap_platform_for_gvisor_in_a_vm(self):
        stack = ["hardware", "hypervisor", "guest-os", "gvisor", "app"]
        assert validate(stack) == ()
        assert any("systrap" in note for note in notes_of(stack))

    def test_it_rejects_kata_on_windows(self):
        problem = problem_at(["hardware", "host-os-windows", "kata", "app"], 2)
        assert problem.message == (
            "The VM-per-pod runtime needs Linux beneath it, not Windows: use Host OS (Linux)."
        )

    def test_it_notes_nested_virtualization_for_kata_in_a_guest(self):
        stack = ["hardware", "hypervisor", "guest-os", "kata", "app"]
        assert validate(stack) == ()
        assert any("nested virtualization" in note for note in notes_of(stack))


class TestUnikernels:
    """A unikernel sits directly on a hypervisor or a microVM monitor. It holds its own OS and
    application, so nothing sits on top of it."""

    @pytest.mark.parametrize(
        "stack",
        [
            ["hardware", "host-os", "unikernel"],
            ["hardware", "hypervisor", "guest-os", "unikernel"],
        ],
    )
    def test_it_rejects_a_unikernel_anywhere_but_on_a_vmm(self, stack):
        message = problem_at(stack, len(stack) - 1).message
        assert message.startswith(("A unikernel boots directly on", "A unikernel replaces"))

    @pytest.mark.parametrize("above", ["app", "container-runtime", "guest-os"])
    def test_it_rejects_anything_on_top_of_a_unikernel(self, above):
        problem = problem_at(["hardware", "host-os", "microvm", "unikernel", above], 4)
        assert "nothing can sit on top of it" in problem.message

    def test_a_unikernel_is_a_complete_stack(self):
        assert simulate(PRESETS["unikernel"].layers).complete


class TestWasmRuntimes:
    """A Wasm runtime is an ordinary process: it sits on any OS, host or guest, or inside a
    container runtime or sandbox."""

    @pytest.mark.parametrize(
        "stack",
        [
            ["hardware", "host-os", "wasm-runtime", "app"],
            ["hardware", "host-os-windows", "wasm-runtime", "app"],
            ["hardware", "hypervisor", "guest-os", "wasm-runtime", "app"],
            ["hardware", "host-os", "container-runtime", "wasm-runtime", "app"],
            ["hardware", "host-os", "gvisor", "wasm-runtime", "app"],
            ["hardware", "host-os", "kata", "wasm-runtime", "app"],
        ],
    )
    def test_it_accepts_wasm_on_any_os_or_container_runtime(self, stack):
        assert validate(stack) == ()

    def test_it_rejects_wasm_on_a_hypervisor(self):
        problem = problem_at(["hardware", "hypervisor", "wasm-runtime", "app"], 2)
        assert "ordinary program" in problem.message


class TestApplications:
    """An application sits directly on an OS, a container runtime, a sandbox or a Wasm
    runtime. A stack has one, and nothing sits on top of it."""

    def test_it_rejects_an_application_on_hardware(self):
        problem = problem_at(["hardware", "app"], 1)
        assert problem.message == (
            "An application needs an operating system: add a host OS between Hardware and "
            "Application."
        )

    def test_it_rejects_an_application_on_a_hypervisor(self):
        problem = problem_at(["hardware", "hypervisor", "app"], 2)
        assert problem.message == (
            "An application can't run on the Hypervisor (type 1) directly: add a guest OS "
            "between them."
        )

    def test_it_rejects_anything_on_top_of_an_application(self):
        problem = problem_at(["hardware", "host-os", "app", "container-runtime"], 3)
        assert problem.message.startswith("Nothing can sit on top of the Application")

    def test_it_rejects_a_second_application(self):
        problem = problem_at(["hardware", "host-os", "app", "app"], 3)
        assert problem.message == "A stack runs one application: remove this second one."


class TestPresets:
    """Every preset is a valid, complete stack, with a preset as its counterpart."""

    @pytest.mark.parametrize("slug", list(PRESETS))
    def test_every_preset_is_valid_and_complete(self, slug):
        result = simulate(PRESETS[slug].layers)
        assert result.problems == ()
        assert result.valid and result.complete

    def test_the_article_stacks_are_presets(self):
        assert CONTAINER == ("hardware", "host-os", "container-runtime", "app")
        assert VM == ("hardware", "host-os", "hypervisor", "guest-os", "app")

    def test_the_container_and_vm_presets_are_each_others_counterpart(self):
        assert counterpart_of(CONTAINER) == VM
        assert counterpart_of(VM) == CONTAINER

    def test_any_other_stack_with_a_vm_is_compared_with_the_container_preset(self):
        assert counterpart_of(["hardware", "hypervisor", "guest-os-windows"]) == CONTAINER
        assert counterpart_of(["hardware", "host-os", "app"]) == VM


class TestStartup:
    """Startup is the sum of the layers created for each instance; the shared layers below the
    instance boundary are already running."""

    def test_a_container_starts_in_the_runtime_and_app_time(self):
        expected = value("container-runtime", "startup_ms") + value("app", "startup_ms")
        assert simulate(CONTAINER).metrics.startup_ms == expected

    def test_a_vm_starts_in_the_vmm_guest_and_app_time(self):
        expected = (
            value("hypervisor", "startup_ms")
            + value("guest-os", "startup_ms")
            + value("app", "startup_ms")
        )
        assert simulate(VM).metrics.startup_ms == expected

    def test_containers_in_a_vm_do_not_wait_for_the_shared_guest(self):
        result = simulate(CONTAINERS_IN_VM, instances=10)
        assert result.metrics.startup_ms == simulate(CONTAINER).metrics.startup_ms
        assert result.metrics.per_instance == (False, False, False, True, True)

    def test_plain_processes_are_created_above_the_os(self):
        result = simulate(["hardware", "host-os", "app"], instances=3)
        assert result.metrics.per_instance == (False, False, True)
        assert result.metrics.instancer is None
        assert result.metrics.memory_per_instance_mb == value("app", "memory_mb")

    def test_a_vm_starts_over_ten_times_slower_than_a_container(self):
        assert simulate(VM).metrics.startup_ms > 10 * simulate(CONTAINER).metrics.startup_ms


class TestMemoryAndDisk:
    """Shared layers are paid once per host and per-instance layers once per instance. Container
    images are copy-on-write, so they are on disk once; VM disks count once per VM."""

    def test_shared_layers_are_counted_once_in_memory(self):
        one, ten = simulate(VM, instances=1), simulate(VM, instances=10)
        assert ten.metrics.memory_shared_mb == one.metrics.memory_shared_mb
        assert (
            ten.metrics.memory_total_mb
            == one.metrics.memory_shared_mb + 10 * one.metrics.memory_per_instance_mb
        )

    def test_a_shared_guest_is_counted_once(self):
        result = simulate(CONTAINERS_IN_VM, instances=50)
        shared = value("hypervisor", "memory_mb") + value("guest-os", "memory_mb")
        each = value("container-runtime", "memory_mb") + value("app", "memory_mb")
        assert result.metrics.memory_shared_mb == shared
        assert result.metrics.memory_total_mb == pytest.approx(shared + 50 * each)

    def test_the_container_base_image_is_counted_once(self):
        image = value("container-runtime", "shared_disk_mb") + value("app", "disk_mb")
        assert simulate(CONTAINER, instances=1).metrics.disk_total_mb == image
        assert simulate(CONTAINER, instances=100).metrics.disk_total_mb == image

    def test_vm_disks_are_counted_once_per_vm(self):
        disk = value("guest-os", "disk_mb") + value("app", "disk_mb")
        one, ten = simulate(VM, instances=1), simulate(VM, instances=10)
        assert one.metrics.disk_per_instance_mb == disk
        assert ten.metrics.disk_total_mb - one.metrics.disk_total_mb == pytest.approx(9 * disk)


class TestOverheadsAndThroughput:
    """Overheads compose multiplicatively, 1 − Π(1 − o); relative throughput is
    (1 − compute)^(1 − w) × (1 − I/O)^w with w the I/O intensity."""

    def test_overheads_compose_multiplicatively(self):
        result = simulate(["hardware", "hypervisor", "guest-os", "gvisor", "app"])
        compute = 1 - (1 - value("hypervisor", "compute_overhead")) * (
            1 - value("gvisor", "compute_overhead")
        )
        io = 1 - (1 - value("hypervisor", "io_overhead")) * (1 - value("gvisor", "io_overhead"))
        assert result.metrics.compute_overhead == pytest.approx(compute)
        assert result.metrics.io_overhead == pytest.approx(io)

    @pytest.mark.parametrize("w", [0.0, 0.3, 1.0])
    def test_throughput_weighs_compute_and_io_by_io_intensity(self, w):
        result = simulate(VM, io_intensity=w)
        compute, io = value("hypervisor", "compute_overhead"), value("hypervisor", "io_overhead")
        expected = (1 - compute) ** (1 - w) * (1 - io) ** w
        assert result.metrics.throughput == pytest.approx(expected)

    def test_a_container_runs_at_native_speed(self):
        assert simulate(CONTAINER).metrics.throughput == 1.0


class TestIsolation:
    """The isolation between instances comes from the topmost layer that creates them:
    processes 1, containers 2, gVisor and Wasm 3, VMs, microVMs and Kata 4."""

    @pytest.mark.parametrize(
        ("stack", "level"),
        [
            (["hardware", "host-os", "app"], 1),
            (CONTAINER, 2),
            (CONTAINERS_IN_VM, 2),
            (PRESETS["sandboxed-container"].layers, 3),
            (PRESETS["wasm"].layers, 3),
            (VM, 4),
            (PRESETS["microvm"].layers, 4),
            (PRESETS["kata"].layers, 4),
            (PRESETS["unikernel"].layers, 4),
        ],
    )
    def test_it_takes_isolation_from_the_topmost_instancer(self, stack, level):
        assert simulate(stack).metrics.isolation == level

    def test_it_says_what_containers_share(self):
        result = simulate(CONTAINER)
        assert result.metrics.isolation_label == "Containers (shared kernel)"
        assert "305 of Linux 6.19's 367 system calls" in result.metrics.isolation_shares


class TestDensity:
    """Density = min(⌊(host memory − shared memory) / memory per instance⌋, platform cap), and
    never below zero."""

    def test_density_is_free_memory_over_memory_per_instance(self):
        result = simulate(VM, host_memory_mb=16384)
        expected = math.floor(
            (16384 - result.metrics.memory_shared_mb) / result.metrics.memory_per_instance_mb
        )
        assert result.metrics.density == result.metrics.density_by_memory == expected

    def test_density_is_capped_by_the_kubelet_on_a_kubernetes_node(self):
        result = simulate(KUBERNETES, host_memory_mb=262144)
        cap = value("orchestrator", "density_cap")
        assert cap == 110
        assert result.metrics.density_by_memory > cap
        assert result.metrics.density == cap
        assert result.metrics.capped
        assert result.metrics.density_cap.source.id == "S67"

    @pytest.mark.parametrize(
        "stack",
        [
            CONTAINER,
            PRESETS["sandboxed-container"].layers,
            PRESETS["kata"].layers,
            CONTAINERS_IN_VM,
        ],
    )
    def test_no_pod_cap_binds_containers_without_an_orchestrator(self, stack):
        result = simulate(stack, host_memory_mb=1_048_576)
        assert result.metrics.density_cap is None
        assert result.metrics.density == result.metrics.density_by_memory > 110

    def test_the_kubelet_caps_pods_whatever_runtime_starts_them(self):
        stack = ["hardware", "host-os", "orchestrator", "kata", "app"]
        result = simulate(stack, host_memory_mb=1_048_576)
        assert result.metrics.density == 110

    def test_hyper_v_caps_vms_on_a_windows_host_but_not_its_containers(self):
        windows_vm = ["hardware", "host-os-windows", "hypervisor", "guest-os-minimal", "app"]
        result = simulate(windows_vm, host_memory_mb=4_194_304)
        assert result.metrics.density == 1024
        assert simulate(VM, host_memory_mb=4_194_304).metrics.density_cap is None
        docker_desktop = PRESETS["linux-containers-on-windows"].layers
        assert simulate(docker_desktop).metrics.density_cap is None

    def test_density_is_never_negative(self):
        result = simulate(PRESETS["linux-containers-on-windows"].layers, host_memory_mb=1024)
        assert result.metrics.memory_shared_mb > 1024
        assert result.metrics.density == 0
        assert not result.metrics.fits

    def test_it_notes_when_the_instances_do_not_fit(self):
        result = simulate(VM, instances=1000, host_memory_mb=16384)
        assert not result.metrics.fits
        assert f"at most {result.metrics.density:,} fit" in result.notes[-1].message


class TestLedger:
    """Each metric's ledger names the layers and figures behind it, and adds up to it."""

    @pytest.mark.parametrize("slug", list(PRESETS))
    @pytest.mark.parametrize("instances", [1, 7])
    def test_ledger_sums_equal_the_metrics(self, slug, instances):
        result = simulate(PRESETS[slug].layers, instances=instances)
        ledger = result.metrics.ledger
        for entries, metric in [
            (ledger.startup_ms, result.metrics.startup_ms),
            (ledger.memory_mb, result.metrics.memory_total_mb),
            (ledger.disk_mb, result.metrics.disk_total_mb),
            (ledger.compute_overhead, result.metrics.compute_overhead),
            (ledger.io_overhead, result.metrics.io_overhead),
        ]:
            assert sum(entry.contribution for entry in entries) == pytest.approx(metric)
        each = sum(entry.contribution for entry in ledger.memory_mb if entry.per_instance)
        assert each == pytest.approx(instances * result.metrics.memory_per_instance_mb)

    def test_a_ledger_entry_shows_the_figure_and_its_source(self):
        result = simulate(VM, instances=3)
        (guest,) = [entry for entry in result.metrics.ledger.memory_mb if entry.slug == "guest-os"]
        assert guest.name == "Guest OS (Linux)"
        assert guest.per_instance
        assert guest.contribution == 3 * value("guest-os", "memory_mb")
        assert guest.figure.source.id == "S29"

    def test_shared_layers_appear_as_already_running(self):
        result = simulate(CONTAINERS_IN_VM)
        (guest,) = [entry for entry in result.metrics.ledger.startup_ms if entry.slug == "guest-os"]
        assert (guest.contribution, guest.per_instance) == (0, False)

    def test_sources_are_distinct_sorted_and_dated(self):
        found = sources(simulate(VM))
        numbers = [source.number for source in found]
        assert numbers == sorted(set(numbers))
        assert {"S2", "S6", "S25", "S29", "S31"} <= {source.id for source in found}
        assert all(source is SOURCES[source.id] and source.year for source in found)


class TestSettings:
    """Settings outside their bounds raise ValueError; bad stacks never raise."""

    @pytest.mark.parametrize(
        "settings_",
        [
            {"instances": MIN_INSTANCES - 1},
            {"instances": MAX_INSTANCES + 1},
            {"instances": 2.5},
            {"instances": True},
            {"host_memory_mb": MIN_HOST_MEMORY_MB - 1},
            {"host_memory_mb": MAX_HOST_MEMORY_MB + 1},
            {"host_cores": MIN_HOST_CORES - 1},
            {"host_cores": MAX_HOST_CORES + 1},
            {"io_intensity": MIN_IO_INTENSITY - 0.01},
            {"io_intensity": MAX_IO_INTENSITY + 0.01},
            {"io_intensity": float("nan")},
        ],
    )
    def test_it_rejects_out_of_range_settings(self, settings_):
        with pytest.raises(ValueError):
            simulate(CONTAINER, **settings_)

    def test_it_accepts_the_bounds(self):
        low = simulate(CONTAINER, MIN_INSTANCES, MIN_HOST_MEMORY_MB, MIN_HOST_CORES, 0)
        high = simulate(CONTAINER, MAX_INSTANCES, MAX_HOST_MEMORY_MB, MAX_HOST_CORES, 1)
        assert low.valid and high.valid

    @settings(max_examples=300, deadline=None)
    @given(
        stack=st.lists(st.one_of(st.sampled_from(list(LAYERS)), st.text(max_size=12)), max_size=20),
        instances=st.integers(MIN_INSTANCES, MAX_INSTANCES),
    )
    def test_bad_stacks_never_raise(self, stack, instances):
        problems = validate(stack)
        result = simulate(stack, instances=instances)
        assert result.problems == problems
        assert result.valid == (not problems)
        assert all(problem.message for problem in problems)
        explain_change(simulate(CONTAINER), result)


class TestExplainChange:
    """explain_change says, in a learner's words, which metrics moved and what moved them."""

    def test_it_explains_adding_a_guest_os(self):
        before = simulate(["hardware", "hypervisor"])
        after = simulate(["hardware", "hypervisor", "guest-os"])
        changes = {change.metric: change for change in explain_change(before, after)}
        seconds = value("guest-os", "startup_ms") / 1000
        assert changes["startup_ms"].delta == value("guest-os", "startup_ms")
        assert changes["startup_ms"].text == f"+{seconds:.1f} s startup: Guest OS (Linux) added"

    def test_it_explains_removing_a_guest_os(self):
        before = simulate(["hardware", "hypervisor", "guest-os"])
        after = simulate(["hardware", "hypervisor"])
        changes = {change.metric: change for change in explain_change(before, after)}
        memory = value("guest-os", "memory_mb")
        assert changes["memory_per_instance_mb"].text == (
            f"−{memory:.0f} MB memory per instance: Guest OS (Linux) removed"
        )

    def test_it_reports_an_isolation_change(self):
        changes = {
            change.metric: change for change in explain_change(simulate(CONTAINER), simulate(VM))
        }
        assert changes["isolation"].delta == 2
        assert changes["isolation"].text.startswith("Isolation 2 → 4")

    def test_it_names_the_setting_that_changed(self):
        before, after = simulate(VM, instances=2), simulate(VM, instances=3)
        changes = {change.metric: change for change in explain_change(before, after)}
        assert set(changes) == {"memory_total_mb", "disk_total_mb"}
        memory = changes["memory_total_mb"]
        assert memory.delta == pytest.approx(before.metrics.memory_per_instance_mb)
        assert memory.text == f"+{memory.delta:,.0f} MB memory in total: instances 2 → 3"

    def test_it_says_when_a_layer_becomes_shared(self):
        changes = explain_change(
            simulate(TYPE1_VM, instances=5), simulate(CONTAINERS_IN_VM, instances=5)
        )
        (startup,) = [change for change in changes if change.metric == "startup_ms"]
        assert "Guest OS (Linux) now shared by all instances" in startup.text

    def test_it_names_the_layers_that_changed_when_a_stack_cannot_run(self):
        broken = simulate(["hardware", "host-os", "hypervisor", "app"])
        (change,) = explain_change(broken, simulate(VM))
        assert (change.metric, change.delta) == ("stack", 1)
        assert change.text == "Guest OS (Linux) added: the stack runs now"
        (change,) = explain_change(simulate(VM), broken)
        assert change.text == "Guest OS (Linux) removed: the stack cannot run like this"

    def test_it_has_nothing_to_say_without_a_previous_result_or_a_change(self):
        assert explain_change(None, simulate(VM)) == ()
        assert explain_change(simulate(VM), simulate(VM)) == ()
        assert explain_change(simulate(["hardware", "app"]), simulate(["hardware", "app"])) == ()


class TestRulesTable:
    """Every kind of layer has a rule saying where it may sit, so a layer added to the catalogue
    without one fails here instead of being accepted anywhere."""

    def test_every_kind_of_layer_in_the_catalogue_has_a_rule(self):
        assert {layer.kind for layer in LAYERS.values()} <= set(RULES)

    @pytest.mark.parametrize("kind", sorted(RULES))
    def test_every_rule_refuses_some_placement_with_words(self, kind):
        layers = [layer for layer in LAYERS.values() if layer.kind == kind]
        assert layers, f"no layer of kind {kind} in the catalogue"
        reasons = [RULES[kind](layers[0], below) for below in LAYERS.values()]
        assert any(reasons)
        assert all(reason is None or reason.endswith(".") for reason in reasons)


class TestMetricsTable:
    """One table names every metric a valid result has; the engine's figures and the table
    agree, and each metric knows which way is better."""

    def test_every_metric_in_the_table_is_a_figure_of_the_result(self):
        metrics = simulate(VM).metrics
        for name, metric in METRICS.items():
            assert isinstance(metrics.value(name), int | float), name
            assert metric.better in {"lower", "higher"}
            assert metric.label

    def test_every_explained_metric_has_a_ledger(self):
        result = simulate(VM, instances=3)
        for metric in EXPLAINED:
            entries = getattr(result.metrics.ledger, metric.ledger)
            counted = [e.contribution for e in entries if e.per_instance or not metric.each_only]
            expected = result.metrics.value(metric.name) * (3 if metric.each_only else 1)
            assert sum(counted) == pytest.approx(expected)

    def test_a_challenge_constraint_says_by_how_much_it_is_missed(self):
        startup = CONSTRAINTS["max_startup_ms"]
        assert startup.miss(900, 1000) is None
        assert startup.miss(8012, 5000) == (
            "Startup per instance: 8,012 ms, needs at most 5,000 ms (3,012 ms over)."
        )
        density = CONSTRAINTS["min_density"]
        assert density.miss(100, 100) is None
        assert density.miss(20, 100) == (
            "Instances that fit: 20 instances, needs at least 100 instances (80 instances short)."
        )


class TestPerInstanceLedger:
    """A ledger entry gives what one instance pays next to the total for all of them."""

    @pytest.mark.parametrize("instances", [1, 7, 100])
    def test_each_is_per_instance_at_any_count(self, instances):
        result = simulate(VM, instances=instances)
        (guest,) = [e for e in result.metrics.ledger.memory_mb if e.slug == "guest-os"]
        assert guest.each == value("guest-os", "memory_mb")
        assert guest.contribution == instances * guest.each


class TestOrchestrators:
    """A Kubernetes node (the kubelet) sits on a Linux OS and starts pods through a container
    runtime; it runs no application itself."""

    @pytest.mark.parametrize("runtime", ["container-runtime", "gvisor", "kata"])
    def test_it_accepts_any_container_runtime_on_the_kubelet(self, runtime):
        assert validate(["hardware", "host-os", "orchestrator", runtime, "app"]) == ()

    def test_it_accepts_a_kubernetes_node_inside_a_vm(self):
        stack = ["hardware", "hypervisor", "guest-os", "orchestrator", "container-runtime", "app"]
        assert validate(stack) == ()

    @pytest.mark.parametrize("below", ["hardware", "host-os-windows", "hypervisor"])
    def test_it_rejects_a_kubelet_without_a_linux_os(self, below):
        stack = (
            ["hardware", below, "orchestrator"] if below != "hardware" else [below, "orchestrator"]
        )
        problem = problem_at(stack, len(stack) - 1)
        assert "runs on a Linux node here" in problem.message

    def test_it_rejects_an_application_directly_on_the_kubelet(self):
        problem = problem_at(["hardware", "host-os", "orchestrator", "app"], 3)
        assert "asks a container runtime to start pods" in problem.message


class TestUnikernelWorkloads:
    """A unikernel runs the one program built into it: it does not run the course's Node.js
    service, nor a CI job, and the rules say why."""

    def test_a_unikernel_stack_runs_but_not_the_application(self):
        stack = PRESETS["unikernel"].layers
        result = simulate(stack)
        assert result.valid and result.complete
        reason = application_problem(result.stack)
        assert reason is not None
        assert "cannot fork" in reason and "Node.js service" in reason and "CI job" in reason
        assert any(note.message == reason for note in result.notes)

    def test_a_stack_with_the_application_runs_it(self):
        assert application_problem(CONTAINER) is None

    def test_a_stack_without_any_program_says_no_application(self):
        assert application_problem(("hardware", "host-os")).startswith("No application yet")


class TestNesting:
    """A VM inside a VM pays for nested virtualization: the inner VM's boot is 20% slower (an
    estimate), and its compute and I/O lose more on top of both VMs' own overheads."""

    def test_a_vm_inside_a_vm_boots_slower_than_the_same_vm_on_the_metal(self):
        inner = simulate(TYPE1_VM).metrics.startup_ms
        nested = simulate(NESTED_VM).metrics
        factor = NESTING.startup_factor
        assert factor.estimate
        assert nested.startup_ms == pytest.approx(inner * (1 + factor.value))
        assert nested.nested

    def test_a_vm_inside_a_vm_loses_more_compute_and_io(self):
        one = simulate(TYPE1_VM).metrics
        two = simulate(NESTED_VM).metrics
        h = LAYERS["hypervisor"].figures
        compute = 1 - (1 - h.compute_overhead.value) ** 2 * (1 - NESTING.compute_overhead.value)
        io = 1 - (1 - h.io_overhead.value) ** 2 * (1 - NESTING.io_overhead.value)
        assert two.compute_overhead == pytest.approx(compute)
        assert two.io_overhead == pytest.approx(io)
        assert two.throughput < one.throughput
        assert NESTING.compute_overhead.source.id == "S44"
        assert NESTING.io_overhead.source.id == "S40"

    def test_kata_inside_a_vm_pays_for_nesting(self):
        nested = simulate(["hardware", "hypervisor", "guest-os", "kata", "app"]).metrics
        plain = simulate(PRESETS["kata"].layers).metrics
        assert nested.nested and not plain.nested
        assert nested.startup_ms > plain.startup_ms
        entries = [entry.name for entry in nested.ledger.startup_ms]
        assert "Nested virtualization" in entries

    def test_containers_in_a_vm_are_not_nested(self):
        assert not simulate(CONTAINERS_IN_VM).metrics.nested


class TestHostCores:
    """Host cores set each busy instance's CPU share and, for VMs, how many the cores allow at
    OpenStack Nova's default of 4 vCPUs per core; containers have no per-core limit."""

    @pytest.mark.parametrize("instances", [1, 4, 10, 64])
    def test_a_container_gets_the_cores_divided_by_the_instances(self, instances):
        metrics = simulate(CONTAINER, instances=instances, host_cores=8).metrics
        assert metrics.cpu_per_instance == 8 / instances
        assert metrics.density_by_cpu is None

    def test_a_vm_gets_at_most_its_virtual_cpus(self):
        one = simulate(VM, instances=1, host_cores=8).metrics
        many = simulate(VM, instances=16, host_cores=8).metrics
        assert one.cpu_per_instance == one.vcpus_per_instance == 1
        assert many.cpu_per_instance == 0.5

    @pytest.mark.parametrize("cores", [1, 8, 64])
    def test_the_cores_allow_vms_at_four_vcpus_per_core(self, cores):
        metrics = simulate(VM, host_cores=cores).metrics
        assert metrics.density_by_cpu == cores * 4

    def test_the_ledger_explains_the_cpu_share(self):
        text = cpu_share(simulate(VM, instances=10, host_cores=8))
        assert "8 cores shared by 10 VMs" in text and "0.8 core each" in text
        assert "S66, 2023" in text and "32 VMs" in text
        text = cpu_share(simulate(CONTAINER, instances=4, host_cores=8))
        assert "2 cores each" in text and "podsPerCore 0" in text

    def test_changing_the_cores_is_explained(self):
        changes = explain_change(
            simulate(VM, instances=16, host_cores=8), simulate(VM, instances=16, host_cores=16)
        )
        (cpu,) = [change for change in changes if change.metric == "cpu_per_instance"]
        assert cpu.text == "CPU per busy instance 0.5 core → 1 core: host cores 8 → 16"


class TestWorkloads:
    """The workload sets how much of the application's time goes to I/O, and so how much the
    I/O overhead costs its throughput."""

    def test_a_database_loses_more_in_a_vm_than_a_batch_job(self):
        database = simulate(VM, workload="database").metrics.throughput
        web = simulate(VM, workload="web").metrics.throughput
        batch = simulate(VM, workload="batch").metrics.throughput
        assert database < web < batch

    def test_a_database_in_a_kvm_vm_loses_about_40_percent(self):
        assert 1 - simulate(VM, workload="database").metrics.throughput > 0.38

    def test_the_workload_does_not_matter_where_nothing_costs_io(self):
        assert simulate(CONTAINER, workload="database").metrics.throughput == 1.0

    def test_the_default_workload_is_the_web_service(self):
        result = simulate(VM)
        assert result.workload == "web"
        assert result.io_intensity == WORKLOADS["web"].io_intensity.value

    def test_it_rejects_an_unknown_workload(self):
        with pytest.raises(ValueError, match="workload"):
            simulate(VM, workload="mining")

    def test_changing_the_workload_is_explained(self):
        changes = explain_change(simulate(VM), simulate(VM, workload="database"))
        (throughput,) = [change for change in changes if change.metric == "throughput"]
        assert "workload Web service → Database" in throughput.text


class TestBootTimeline:
    """One instance's start, step by step: the steps add up to the startup figure, each with a
    source or an estimate flag; an image pull can go in front of a container's start."""

    @pytest.mark.parametrize("slug", list(PRESETS))
    def test_the_steps_add_up_to_the_startup(self, slug):
        stack = PRESETS[slug].layers
        steps = boot_timeline(stack)
        assert sum(step.duration_ms for step in steps) == pytest.approx(
            simulate(stack).metrics.startup_ms
        )
        for before, after in itertools.pairwise(steps):
            assert after.start_ms == pytest.approx(before.end_ms)
        assert all(step.source is not None or step.estimate for step in steps)

    def test_a_vm_boots_through_vmm_firmware_loader_kernel_init_and_app(self):
        names = [step.name for step in boot_timeline(VM)]
        assert names == [
            "VMM process start",
            "Firmware (UEFI)",
            "Boot loader",
            "Kernel and initramfs",
            "systemd and cloud-init, to the target",
            "Application starts",
        ]

    def test_a_microvm_reaches_init_at_161_ms(self):
        steps = boot_timeline(PRESETS["microvm"].layers)
        (init,) = [step for step in steps if "/sbin/init" in step.name]
        assert (init.end_ms, init.source.id, init.year) == (161, "S2", 2020)

    def test_a_container_starts_in_the_runtime_chain_then_runc(self):
        steps = boot_timeline(CONTAINER)
        assert [step.layer for step in steps] == ["container-runtime", "container-runtime", "app"]
        assert steps[1].name.startswith("runc")
        assert steps[-1].end_ms == 568

    def test_an_image_not_yet_on_the_host_is_pulled_first(self):
        steps = boot_timeline(CONTAINER, image_cached=False)
        assert steps[0].name.startswith("Image pull")
        assert steps[0].duration_ms == LAYERS["app"].figures.pull_ms.value
        assert steps[-1].end_ms == 568 + steps[0].duration_ms

    def test_a_vm_pulls_no_image(self):
        assert boot_timeline(VM, image_cached=False) == boot_timeline(VM)

    def test_a_stack_that_cannot_run_has_no_timeline(self):
        assert boot_timeline(["hardware", "app"]) == ()
