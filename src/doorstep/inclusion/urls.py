app_name = "inclusion"

urlpatterns = []
