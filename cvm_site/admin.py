"""The admin's user pages check a new or changed username as sign-up does: a name that reads as
another account's is the form's error, never a 500 from the database's unique key."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from cvm_site.accounts import ChecksUsername


class AddUserForm(ChecksUsername, AdminUserCreationForm):
    pass


class ChangeUserForm(ChecksUsername, UserChangeForm):
    pass


class CheckedUserAdmin(UserAdmin):
    add_form = AddUserForm
    form = ChangeUserForm


User = get_user_model()
admin.site.unregister(User)
admin.site.register(User, CheckedUserAdmin)
