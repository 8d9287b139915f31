"""The JSON shapes of the metrics API."""

from django import forms

from simulator import engine


def form_errors(form: forms.Form) -> list[dict]:
    return [
        {"layer": None, "field": name, "message": message}
        for name, messages in form.errors.items()
        for message in messages
    ]


def problems(result: engine.Result) -> list[dict]:
    return [
        {"layer": p.layer, "index": p.index, "field": "stack", "message": p.message}
        for p in result.problems
    ]


def _figure(figure: engine.Figure) -> dict:
    return {
        "value": figure.value,
        "estimate": figure.estimate,
        "note": figure.note,
        "source": figure.source.id if figure.source else None,
    }


def metrics(result: engine.Result) -> dict:
    ledger = result.ledger
    return {
        "stack": list(result.stack),
        "instances": result.instances,
        "host": {"memory_mb": result.host_memory_mb, "cores": result.host_cores},
        "complete": result.complete,
        "hypervisor_type": result.hypervisor_type,
        "metrics": {
            "startup_ms": result.startup_ms,
            "memory_per_instance_mb": result.memory_per_instance_mb,
            "memory_shared_mb": result.memory_shared_mb,
            "memory_total_mb": result.memory_total_mb,
            "disk_per_instance_mb": result.disk_per_instance_mb,
            "disk_shared_mb": result.disk_shared_mb,
            "disk_total_mb": result.disk_total_mb,
            "compute_overhead": result.compute_overhead,
            "io_overhead": result.io_overhead,
            "throughput": result.throughput,
            "density": result.density,
        },
        "isolation": {
            "level": result.isolation,
            "label": result.isolation_label,
            "shares": result.isolation_shares,
        },
        "ledger": {
            name: [
                {
                    "layer": entry.slug,
                    "contribution": entry.contribution,
                    "per_instance": entry.per_instance,
                    "figure": _figure(entry.figure),
                }
                for entry in getattr(ledger, name)
            ]
            for name in ("startup_ms", "memory_mb", "disk_mb", "compute_overhead", "io_overhead")
        },
        "notes": [{"layer": n.layer, "message": n.message} for n in result.notes],
        "sources": [
            {"id": s.id, "title": s.title, "year": s.year, "url": s.url}
            for s in engine.sources(result)
        ],
    }
