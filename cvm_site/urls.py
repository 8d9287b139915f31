from django.contrib import admin
from django.urls import include, path, register_converter
from django.urls.converters import StringConverter

from cvm_site import accounts, classes, merge, mydata, teach, views


class JoinCodeConverter(StringConverter):
    """Letters and digits only: anything else is a 404 before a query runs."""

    regex = "[A-Za-z0-9]{1,32}"


register_converter(JoinCodeConverter, "joincode")

teach_urls = (
    [
        path("", teach.index, name="index"),
        path("classes/<int:pk>/", teach.classroom, name="classroom"),
        path("classes/<int:pk>/learners.csv", teach.learners_csv, name="csv"),
        path("classes/<int:pk>/rotate", teach.rotate_code, name="rotate"),
        path("classes/<int:pk>/archive", teach.archive, name="archive"),
        path("classes/<int:pk>/remove/<int:member>", teach.remove, name="remove"),
    ],
    "teach",
)
class_urls = (
    [
        path("join/<joincode:code>/", classes.join, name="join"),
        path("classes/<int:pk>/leave", classes.leave, name="leave"),
    ],
    "classes",
)

urlpatterns = [
    path("", include("lessons.urls")),
    path("", include(class_urls)),
    path("teach/", include(teach_urls)),
    path("simulator/", include("simulator.urls")),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/login/", merge.AskingLoginView.as_view(), name="login"),
    path("accounts/merge/", merge.merge, name="merge"),
    path("accounts/me/", accounts.account, name="account"),
    path("accounts/me/data.json", mydata.export, name="export"),
    path("accounts/me/delete", mydata.delete, name="delete"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("favicon.ico", views.favicon),
]
