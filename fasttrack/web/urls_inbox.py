from django.urls import path

from fasttrack.web import inbox_views

urlpatterns = [
    path("indbakke/", inbox_views.inbox, name="inbox"),
    path("indbakke/<int:item_id>/", inbox_views.inbox_item, name="inbox_item"),
]
