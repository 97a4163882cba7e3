"""Response headers every page gets unless it chose its own.

Almost every page shows personal data (staff pages, residents' links, the API), so a response
that says nothing about caching is kept out of every cache, the browser's included:
`Cache-Control: no-store`. A view that decides otherwise (public pages such as the housing
lookup, static files served by whitenoise) sets its own header, and that header stands.
"""

from django.utils.cache import patch_cache_control


class PrivateByDefaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True)
        return response
