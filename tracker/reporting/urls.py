"""URLs of the staff pages: reporting a month, verifying, allocations, closing months, compliance, import."""
from django.urls import path

from tracker.reporting.views import allocations, compliance, importing, report, verify

app_name = "reporting"

urlpatterns = [
    path("report/", report.home, name="home"),
    path("report/months/", report.months, name="months"),
    path("report/months/<month:month>/", report.close_month, name="close_month"),
    path("report/<code:unit_code>/<month:month>/", report.report, name="report"),
    path("verify/", verify.verify_list, name="verify_list"),
    path("verify/<code:target_code>/<month:month>/", verify.verify, name="verify"),
    path("allocations/<code:target_code>/", allocations.allocations, name="allocations"),
    path("compliance/", compliance.compliance_latest, name="compliance_latest"),
    path("compliance/<month:month>/", compliance.compliance, name="compliance"),
    path("import/", importing.import_results, name="import"),
]
