from django.urls import path

from .views import officer

app_name = "cases"

urlpatterns = [
    path("my-work/", officer.my_work, name="my_work"),
    path("my-work/done/", officer.done_tasks, name="done_tasks"),
    path("team/", officer.team_work, name="team_work"),
    path("new/for/<int:resident_pk>/", officer.open_case, name="open"),
    path("<int:pk>/", officer.detail, name="detail"),
    path("<int:pk>/reassign/", officer.reassign, name="reassign"),
    path("<int:pk>/tasks/new/", officer.add_task, name="add_task"),
    path("<int:pk>/status/", officer.change_status, name="change_status"),
    path("<int:pk>/notes/new/", officer.add_note, name="add_note"),
    path("tasks/<int:pk>/done/", officer.complete_task, name="complete_task"),
    path("tasks/<int:pk>/reopen/", officer.reopen_task, name="reopen_task"),
]
