from django import template

from cvm_site.classes import learner_classes

register = template.Library()


@register.inclusion_tag("teach/my_classes.html", takes_context=True)
def my_classes(context) -> dict:
    """The progress page's account of the learner's classes and what their teachers see."""
    request = context["request"]
    return {"memberships": learner_classes(request), "request": request, "user": request.user}
