from django.urls import path

from .views import coordinator, friend, officer, public

app_name = "inclusion"

urlpatterns = [
    # Officers, from the Single View.
    path("residents/<int:resident_pk>/skills-check/", officer.skills_check, name="skills_check"),
    path("residents/<int:resident_pk>/skills/", officer.history, name="history"),
    path("residents/<int:resident_pk>/access-needs/", officer.access_needs, name="access_needs"),
    path("residents/<int:resident_pk>/refer/", officer.refer, name="refer"),
    path("skills-checks/<int:pk>/", officer.check_detail, name="check"),
    path("colleague-help/", officer.colleague_request, name="colleague_request"),
    # Anyone, no sign-in.
    path("skills-check/", public.public_check, name="public_check"),
    path("ask-for-help/", public.ask_for_help, name="ask_for_help"),
    path("ask-for-help/sent/", public.ask_for_help_sent, name="ask_for_help_sent"),
    path("volunteer/", public.volunteer, name="volunteer"),
    path("volunteer/sent/", public.volunteer_sent, name="volunteer_sent"),
    path("events/", public.events, name="events"),
    path("events/<int:pk>/", public.event_signup, name="event"),
    # Coordinators.
    path("coordinate/", coordinator.dashboard, name="coordinate"),
    path("coordinate/requests/<int:pk>/", coordinator.request_detail, name="request"),
    path("coordinate/requests/<int:pk>/offer/", coordinator.offer, name="offer"),
    path("coordinate/matches/<int:pk>/arrange/", coordinator.arrange, name="arrange"),
    path("coordinate/friends/", coordinator.friends, name="friends"),
    path("coordinate/friends/new/", coordinator.friend_new, name="friend_new"),
    path("coordinate/friends/<int:pk>/", coordinator.friend_detail, name="friend"),
    path("coordinate/friends/<int:pk>/pause/", coordinator.friend_pause, name="friend_pause"),
    path("coordinate/friends/<int:pk>/edit/", coordinator.friend_edit, name="friend_edit"),
    path("coordinate/friends/<int:pk>/decline/", coordinator.friend_decline, name="friend_decline"),
    path("coordinate/events/", coordinator.events_manage, name="events_manage"),
    path("coordinate/events/<int:pk>/", coordinator.event_manage, name="event_manage"),
    path("coordinate/bookings/<int:pk>/cancel/", coordinator.booking_cancel, name="booking_cancel"),
    path("coordinate/impact/", coordinator.impact, name="impact"),
    # Digital Friends: only their own matches.
    path("my-learners/", friend.my_learners, name="my_learners"),
    path("my-learners/<int:pk>/", friend.learner, name="learner"),
    path("my-learners/<int:pk>/decline/", friend.decline, name="decline"),
    path("my-learners/<int:pk>/finish/", friend.finish, name="finish"),
    path("my-learners/<int:pk>/sessions/new/", friend.log_session, name="log_session"),
]
