"""Provider callbacks: delivery receipts and received texts. No session, no CSRF: each view
checks the provider's own credential (Notify's bearer token, Twilio's signature) first."""

app_name = "callbacks"

urlpatterns: list = []
