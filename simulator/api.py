"""The JSON shapes of the metrics API."""

from django import forms

from simulator import engine, explain
from simulator.metrics import LEDGERS, METRICS


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
    """A valid result as JSON: its metrics (every one in ``METRICS``), the ledger and sources."""
    assert result.metrics is not None
    found = result.metrics
    return {
        "stack": list(result.stack),
        "instances": result.instances,
        "host": {"memory_mb": result.host_memory_mb, "cores": result.host_cores},
        "workload": {
            "slug": result.workload,
            "name": engine.WORKLOADS[result.workload].name,
            "io_intensity": result.io_intensity,
        },
        "cpu": explain.cpu_share(result),
        "complete": result.complete,
        "hypervisor_type": found.hypervisor_type,
        "metrics": {name: found.value(name) for name in METRICS},
        "isolation": {
            "level": found.isolation,
            "label": found.isolation_label,
            "shares": found.isolation_shares,
        },
        "ledger": {
            name: [
                {
                    "layer": entry.slug,
                    "contribution": entry.contribution,
                    "per_instance": entry.per_instance,
                    "each": entry.each,
                    "figure": _figure(entry.figure),
                }
                for entry in getattr(found.ledger, name)
            ]
            for name in LEDGERS
        },
        "notes": [{"layer": n.layer, "message": n.message} for n in result.notes],
        "sources": [
            {"id": s.id, "title": s.title, "year": s.year, "url": s.url}
            for s in engine.sources(result)
        ],
    }
