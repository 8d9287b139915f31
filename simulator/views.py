from dataclasses import replace

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url
from django_htmx.middleware import HtmxDetails

from simulator import api, shell, workspace
from simulator.forms import MetricsApiForm, ShellApiForm, SimulatorForm


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@require_GET
@vary_on_headers("HX-Request", "HX-Target")
def page(request: HtmxHttpRequest) -> HttpResponse:
    """The simulator. A malformed query gets 400 and a message; a stack that breaks a rule is a
    normal state (the tower shows why), so it renders with 200."""
    form = SimulatorForm(request.GET)
    valid = form.is_valid()
    state = workspace.State.from_form(form)
    side = form.value("side", "") or "stack"
    moved = workspace.after_action(
        state, form.value("add", ""), form.value("preset", ""), form.value("edit", None), side
    )
    if moved is not None:
        address = moved.url()
        if side == "compare" and moved.compare:  # the palette keeps adding to the same tower
            address += "&side=compare"
        if not request.htmx:
            return redirect(address)
        state = moved
    image_cached = not form.value("pull", False)
    context = workspace.build(state, side, image_cached) | {
        "form": form,
        "terminal": workspace.terminal(
            state, form.value("command", ""), form.value("where", "") or "instance"
        ),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    if partial and request.htmx.target == "shell-output":  # the terminal's own form
        template = "simulator/shell.html#shell_output"
    elif partial and request.htmx.target == "sim-ledger-body":  # the ledger, opened
        template = "simulator/page.html#ledger"
    elif partial:
        template = "simulator/page.html#update"
        context["ledger_url"] = replace(state, prev=None).url()
    else:
        template = "simulator/page.html"
    response = render(request, template, context, status=200 if valid else 400)
    if moved is not None:
        push_url(response, address)  # the address bar shows the state, not the button
    return response


@require_GET
def api_metrics(request: HttpRequest) -> JsonResponse:
    """GET /simulator/api/metrics?stack=…&instances=N: the metrics, the ledger and the sources."""
    form = MetricsApiForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": api.form_errors(form)}, status=400)
    result = workspace.State.from_form(form).simulate(form.cleaned_data["stack"])
    if not result.valid:
        return JsonResponse({"errors": api.problems(result)}, status=400)
    return JsonResponse(api.metrics(result))


@require_GET
def api_shell(request: HttpRequest) -> JsonResponse:
    """GET /simulator/api/shell?stack=…&command=…&where=instance|host: what the simulated
    terminal prints. Nothing runs: the answer is looked up in the model of the stack."""
    form = ShellApiForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": api.form_errors(form)}, status=400)
    result = workspace.State.from_form(form).simulate(form.cleaned_data["stack"])
    if not result.valid:
        return JsonResponse({"errors": api.problems(result)}, status=400)
    where = form.value("where", "") or "instance"
    answer = shell.run(result, form.cleaned_data["command"], where)
    return JsonResponse({"command": answer.command, "output": answer.output, "note": answer.note})
