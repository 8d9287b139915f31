"""A simulated terminal: what a few Linux commands print inside instance 1 of a stack, or on its
host. Nothing runs anywhere: each answer is read from the engine's result for the stack (which
kernel the instance sees, what is shared, how much memory there is), so a learner's own stack
answers as well as a preset does.

What the outputs show follows what real systems print: in a container PID 1 is the application
and ``free`` reports the kernel's whole memory, while ``memory.max`` holds the container's limit
in bytes; in a VM PID 1 is the guest's init and ``free`` reports the guest's RAM; on the host,
``ps`` lists a container's processes under host PIDs but of a VM only its monitor process.

Standard library only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from simulator.catalogue import LAYERS
from simulator.result import Result

MAX_CHARS = 200
WHERE = {"instance": "inside instance 1", "host": "on the host"}
COMMANDS = {
    "uname -r": "the kernel release: whose kernel answers",
    "uname -a": "the kernel, the host name and the machine",
    "hostname": "the name in this UTS namespace",
    "id": "the user the shell runs as",
    "nproc": "the CPUs this shell may use",
    "free -m": "memory, as the kernel sees it",
    "df -h": "the file systems mounted here",
    "ps aux": "every process this shell can see",
    "ps -ef": "every process, with its parent",
    "cat /proc/1/cgroup": "the control group of PID 1",
    "cat /sys/fs/cgroup/memory.max": "the memory limit of this control group",
    "lsns": "the namespaces of the processes this shell can see",
    "systemd-analyze": "how long the last boot took",
    "help": "this list",
}
# Release strings: examples of the kernels these layers run, not measurements.
_KERNELS = {
    "host-os": "6.8.0-60-generic",  # Ubuntu 24.04's kernel series
    "guest-os": "6.8.0-60-generic",
    "guest-os-minimal": "6.1.102",  # a small kernel built for a microVM guest
    "wsl2": "6.6.114.1-microsoft-standard-WSL2",  # WSL2's shipped default kernel in 2026
}
_APP = "node /srv/app/server.js"
_CONTAINERS = frozenset({"container-runtime", "gvisor", "kata"})
_VMMS = {
    "hypervisor": "qemu-system-x86_64",
    "hypervisor-type2": "VBoxHeadless",
    "microvm": "firecracker",
    "kata": "qemu-system-x86_64",  # Kata's VM for the pod; its containers run inside it
}
# Runtimes that put a kernel of their own between the container and the host's.
_OWN_KERNEL = {
    "gvisor": ("4.4.0", "gVisor's Sentry answers system calls itself and reports a Linux "
               "release of its own: the host kernel never sees the call."),
    "kata": ("6.12.47", "Kata runs each pod in a small VM: the container sees that VM's own "
             "kernel, not the host's (the release is an example)."),
}  # fmt: skip


@dataclass(frozen=True)
class Answer:
    command: str
    output: str
    note: str


@dataclass(frozen=True)
class _Place:
    """Where the shell runs: what it sees of kernel, processes, memory and namespaces."""

    kind: str  # "container", "vm", "host", "none"
    kernel: str
    hostname: str
    pid1: str
    processes: tuple[tuple[int, int, str, str], ...]  # pid, parent, user, command
    memory_total_mb: float
    memory_used_mb: float
    cores: int
    limit_bytes: int | None
    cgroup: str
    boot: str | None
    explain: str  # what this place is, for the notes
    kernel_note: str = ""


def _kernel_below(stack: tuple[str, ...], index: int) -> str:
    """The release string of the nearest OS kernel at or below ``index``."""
    for position in range(index, -1, -1):
        slug = stack[position]
        if slug == "host-os-windows" or slug == "guest-os-windows":
            return "windows"
        if slug in _KERNELS:
            if LAYERS[slug].kind == "guest-os" and "host-os-windows" in stack[:position]:
                return _KERNELS["wsl2"]
            return _KERNELS[slug]
    return "none"


def _instance(result: Result) -> _Place:
    metrics = result.metrics
    stack, instancer = result.stack, metrics.instancer
    start = stack.index(instancer) if instancer else len(stack) - 1
    kind = LAYERS[instancer].kind if instancer else "process"
    each = metrics.memory_per_instance_mb
    if instancer in _CONTAINERS:
        kernel = _OWN_KERNEL[instancer][0] if instancer in _OWN_KERNEL else ""
        kernel = kernel or _kernel_below(stack, start - 1)
        total = each if instancer == "kata" else _kernel_memory(result, start - 1)
        return _Place(
            "container", kernel, "4f2a9c1d7e3b", _APP, ((1, 0, "root", _APP),),
            total, min(total, metrics.memory_total_mb), result.host_cores,
            math.ceil(each) * 1024 * 1024, "0::/", None,
            f"a container made by the {LAYERS[instancer].name.lower()}",
            _OWN_KERNEL.get(instancer, ("", ""))[1],
        )  # fmt: skip
    if kind in ("hypervisor", "hosted-hypervisor", "microvm"):
        guest = next((s for s in stack[start + 1 :] if LAYERS[s].kind == "guest-os"), None)
        if guest is None or guest == "guest-os-windows":
            return _none(result, "this VM runs no Linux guest")
        init = "/sbin/init" if guest == "guest-os-minimal" else "/sbin/init (systemd)"
        ram = sum(e.each for e in metrics.ledger.memory_mb if e.slug in stack[start + 1 :])
        processes = ((1, 0, "root", init), (412, 1, "app", _APP))
        boot = None if guest == "guest-os-minimal" else _boot_line(result, start + 1)
        return _Place(
            "vm", _kernel_below(stack, stack.index(guest)), "vm-1", init, processes,
            ram, ram, 1, None, "0::/init.scope", boot, "a virtual machine with its own kernel",
        )  # fmt: skip
    if kind == "process":
        return _host(result)
    return _none(result, f"a {LAYERS[instancer].name.lower()} instance has no shell")


def _kernel_memory(result: Result, index: int) -> float:
    """What ``free`` reports under a container: the memory of the kernel it shares."""
    stack = result.stack
    for position in range(index, -1, -1):
        if LAYERS[stack[position]].kind == "guest-os" and result.metrics.per_instance[position]:
            return sum(e.each for e in result.metrics.ledger.memory_mb if e.per_instance)
    return float(result.host_memory_mb)  # the host's kernel, or one VM given the whole host


def _boot_line(result: Result, guest: int) -> str:
    steps = [e for e in result.metrics.ledger.startup_ms if e.per_instance]
    total = sum(e.each for e in steps) / 1000
    return f"Startup finished in {total:.3f}s\nmulti-user.target reached after {total:.3f}s"


def _host(result: Result) -> _Place:
    stack, metrics = result.stack, result.metrics
    if stack[1] == "host-os-windows":
        return _none(result, "the host runs Windows, whose shell has no such command", "windows")
    if stack[1] != "host-os":
        return _none(result, "this stack has no host OS: the hypervisor sits on the hardware")
    processes: list[tuple[int, int, str, str]] = [(1, 0, "root", "/sbin/init (systemd)")]
    instancer = metrics.instancer
    if instancer in _CONTAINERS:
        processes.append((880, 1, "root", "/usr/bin/containerd"))
        processes.append((2311, 1, "root", "containerd-shim-runc-v2 -id 4f2a9c1d7e3b"))
        processes.append((2334, 2311, "root", _APP))
    elif instancer in _VMMS:  # a VM, Kata's pod VM included, is one process on the host
        processes.append((2334, 1, "root", f"{_VMMS[instancer]} (instance 1)"))
    else:
        processes.append((2334, 1, "app", _APP))
    used = min(metrics.memory_total_mb, result.host_memory_mb)
    return _Place(
        "host", _KERNELS["host-os"], "host-1", "/sbin/init (systemd)", tuple(processes),
        float(result.host_memory_mb), used, result.host_cores, None, "0::/init.scope",
        None, "the host, which sees every instance's processes",
    )  # fmt: skip


def _none(result: Result, why: str, kernel: str = "none") -> _Place:
    return _Place("none", kernel, "", "", (), 0, 0, 0, None, "", None, why)


def _table(rows: list[tuple], widths: tuple[int, ...]) -> str:
    return "\n".join(
        "".join(f"{cell!s:<{width}}" for cell, width in zip(row, widths, strict=False)).rstrip()
        for row in rows
    )


def _kernel_answers(place: _Place) -> dict[str, tuple[str, str]]:
    """uname, hostname, id and nproc: whose kernel and whose identity this shell has."""
    if place.kind == "container":
        kernel_note = place.kernel_note or (
            "Linux containers on Windows run in WSL2's utility VM and share its Linux kernel."
            if place.kernel == _KERNELS["wsl2"]
            else "A container shares the kernel below it, so it prints that kernel's release."
        )
        id_note = (
            "Root in a default container is UID 0 on the host too, unless user namespaces remap it."
        )
    else:
        kernel_note = (
            "A VM boots a kernel of its own." if place.kind == "vm" else "The host's own kernel."
        )
        id_note = "The shell's user."
    return {
        "uname -r": (place.kernel, kernel_note),
        "uname -a": (
            f"Linux {place.hostname} {place.kernel} #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux",
            "Same kernel as uname -r; the host name comes from this UTS namespace.",
        ),
        "hostname": (place.hostname, "Each container or VM gets its own host name."),
        "id": ("uid=0(root) gid=0(root) groups=0(root)", id_note),
        "nproc": (str(place.cores), "The CPUs this shell may be scheduled on."),
    }


def _memory_answers(place: _Place) -> dict[str, tuple[str, str]]:
    """free, memory.max and df: what the shell is told about memory and disk."""
    total, used = round(place.memory_total_mb), round(place.memory_used_mb)
    container = place.kind == "container"
    free_note = {
        "container": "free reads /proc/meminfo, which a container shares with its kernel: it "
        "shows the whole machine, not the container's limit (see memory.max).",
        "vm": "A VM's guest sees only the RAM it was given.",
    }.get(place.kind, "The host's memory, with every instance in it.")
    free = _table(
        [("", "total", "used", "free"), ("Mem:", total, used, max(total - used, 0))],
        (6, 12, 12, 12),
    )
    return {
        "free -m": (free, free_note),
        "cat /sys/fs/cgroup/memory.max": (
            str(place.limit_bytes) if place.limit_bytes else "max",
            "The limit, in bytes, at which the kernel's OOM killer acts inside this group."
            if container
            else "No limit on this group: max.",
        ),
        "df -h": (
            _table(
                [("Filesystem", "Mounted on"), ("overlay" if container else "/dev/vda1", "/")],
                (14, 12),
            ),
            "A container's root is an overlay of its image layers; a VM has a virtual disk.",
        ),
    }


def _process_answers(place: _Place) -> dict[str, tuple[str, str]]:
    """ps, the cgroup file, lsns and systemd-analyze: which processes and groups it sees."""
    container, vm = place.kind == "container", place.kind == "vm"
    ps_aux = [("USER", "PID", "COMMAND")] + [(u, p, c) for p, _, u, c in place.processes]
    ps_ef = [("UID", "PID", "PPID", "CMD")] + [(u, p, q, c) for p, q, u, c in place.processes]
    ps_note = {
        "container": "In a container PID 1 is the application itself.",
        "host": "On the host a container's processes appear under host PIDs; a VM is only its "
        "monitor process.",
    }.get(place.kind, "In a VM PID 1 is the guest's init.")
    namespaces = ("cgroup", "ipc", "mnt", "net", "pid", "uts")
    lsns = [("NS", "TYPE", "NPROCS", "PID", "COMMAND")] + [
        (4026532000 + i, kind, 1, 1, place.pid1) for i, kind in enumerate(namespaces)
    ]
    return {
        "ps aux": (_table(ps_aux, (6, 7, 40)), ps_note),
        "ps -ef": (_table(ps_ef, (6, 7, 7, 40)), "PPID 0 marks the first process here."),
        "cat /proc/1/cgroup": (
            place.cgroup,
            "cgroup v2 with a private cgroup namespace: the container sees its own group as /."
            if container
            else "cgroup v2: one line, 0::<path>.",
        ),
        "lsns": (
            _table(lsns, (12, 8, 8, 6, 30)),
            "Inside a container lsns sees only its own namespaces' processes."
            if container
            else "Namespaces of the processes this shell can see.",
        ),
        "systemd-analyze": (
            place.boot
            or "System has not been booted with systemd as init system (PID 1). Can't operate.",
            "The guest's boot, as the simulator's startup figures add up."
            if vm
            else "A VM boots; a container starts one process, so there is no boot to analyse.",
        ),
    }


def _outputs(place: _Place) -> dict[str, tuple[str, str]]:
    """Each command's output and the one thing it teaches, for this place."""
    return _kernel_answers(place) | _memory_answers(place) | _process_answers(place)


def run(result: Result, command: str, where: str = "instance") -> Answer:
    """What ``command`` prints ``where`` ("instance" or "host") for a stack that can run."""
    command = " ".join(command.split())
    if command == "help":
        lines = [f"{name:32} {what}" for name, what in COMMANDS.items()]
        return Answer(command, "\n".join(lines), "A simulated terminal: nothing runs.")
    if result.metrics is None:
        return Answer(command, "", "This stack cannot run, so there is nowhere to run a command.")
    place = _host(result) if where == "host" else _instance(result)
    if command not in COMMANDS:
        name = command.split(" ")[0] if command else ""
        output = f"bash: {name}: command not found\nTry: " + ", ".join(COMMANDS)
        return Answer(command, output, "Only the commands listed are simulated.")
    if place.kind == "none":
        if place.kernel == "windows":
            output = f"{command.split()[0]} : The term is not recognized as a cmdlet or program."
        else:
            output = f"No shell here: {place.explain}."
        return Answer(command, output, f"Nothing to run it in: {place.explain}.")
    output, note = _outputs(place)[command]
    return Answer(command, output, note)
