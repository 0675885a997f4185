"""Order pages (namespace "orders", included at the site root by config/urls.py): the buyer's under
/orders/, the supplier's read-only view under /supplier/orders/."""

from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("orders/", views.dashboard, name="dashboard"),
    path("orders/export.csv", views.all_orders_csv, name="export-csv"),
    path("orders/<int:pk>/", views.detail, name="detail"),
    path("orders/<int:pk>/recipients/", views.recipients, name="recipients"),
    path("orders/<int:pk>/items/", views.items, name="items"),
    path("orders/<int:pk>/items/<int:item_id>/", views.item, name="item"),
    path("orders/<int:pk>/items/<int:item_id>/remove/", views.item_remove, name="item-remove"),
    path("orders/<int:pk>/delivery-dates/", views.delivery, name="delivery"),
    path("orders/<int:pk>/funding/", views.funding, name="funding"),
    path("orders/<int:pk>/review/", views.review, name="review"),
    path("orders/<int:pk>/amend/", views.amend, name="amend"),
    path("orders/<int:pk>/terminate/", views.terminate, name="terminate"),
    path("orders/<int:pk>/delete/", views.delete, name="delete"),
    path("orders/<int:pk>/history/", views.audit_page, name="audit"),
    path("orders/<int:pk>/history.csv", views.audit_csv, name="audit-csv"),
    path("orders/<int:pk>/summary.pdf", views.summary_pdf, name="summary-pdf"),
    path("orders/<int:pk>/order.csv", views.order_csv, name="csv"),
    path("orders/<int:pk>/<slug:key>/", views.section, name="section"),
    path("supplier/orders/", views.supplier_list, name="supplier-list"),
    path("supplier/orders/<int:pk>/", views.supplier_detail, name="supplier-detail"),
]
