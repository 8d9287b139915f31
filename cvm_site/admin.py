"""The admin's user pages check a new or changed username as sign-up does: a name that reads as
another account's is the form's error, never a 500 from the database's unique key."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import IntegrityError

from cvm_site.accounts import ChecksUsername


class AddUserForm(ChecksUsername, AdminUserCreationForm):
    pass


class ChangeUserForm(ChecksUsername, UserChangeForm):
    pass


class CheckedUserAdmin(UserAdmin):
    add_form = AddUserForm
    form = ChangeUserForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Two staff members saving look-alike names at the same instant: both pass the form's
        check, and the second meets the database's unique key. Its save is rolled back; going
        through the form again finds the name the first one saved and says so, as a form error."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError:
            return super().changeform_view(request, object_id, form_url, extra_context)


User = get_user_model()
admin.site.unregister(User)
admin.site.register(User, CheckedUserAdmin)
