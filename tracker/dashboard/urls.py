"""URLs of the read-only pages."""
urlpatterns = []
