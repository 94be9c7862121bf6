"""The console's job-order page (`/console/job-orders`): the mission's job orders, and recording a
new one with a plain form through the same schema and service as `POST /api/v1/job-orders`."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_jwt_extended import current_user

from ..access import JOB_ORDERS, requires
from ..channels import place_choices, services
from ..channels.models import JOB_ORDER_STATUSES, SECTORS
from ..channels.schemas import JobOrderCreateSchema
from ..channels.views import SECTOR_LABELS, STATUS_TONES, country_name
from ..forms import run_form

bp = Blueprint("console_job_orders", __name__, url_prefix="/console", template_folder="templates")


@bp.context_processor
def _helpers():
    return {"sector_label": lambda s: str(SECTOR_LABELS.get(s, s)), "country_name": country_name}


@bp.route("/job-orders", methods=["GET", "POST"])
@requires(JOB_ORDERS)
def job_orders():
    """List the mission's job orders and record a new one (a plain form; the rules are the API's).

    Country and region are picked from lists. Without JavaScript the region list follows the chosen
    country through the form's second button ("step=regions"), which shows the form again and records
    nothing.
    """
    refused, form = None, {}
    if request.method == "POST":
        form = request.form
    if request.method == "POST" and form.get("step") != "regions":
        data = {k: v.strip() for k, v in form.items() if k in JobOrderCreateSchema().fields and v.strip()}
        if data.get("positions", "").isdigit():
            data["positions"] = int(data["positions"])
        order, refused = run_form(lambda: services.create_job_order(current_user, JobOrderCreateSchema().load(data)))
        if refused is None:
            return redirect(url_for("console_job_orders.job_orders", created=order.number), code=303)
    countries = place_choices.countries_for(current_user)
    country = (form.get("country") or request.args.get("country") or "").strip().upper()[:2]
    country = country if country in dict(countries) else place_choices.default_country(current_user)
    return render_template("console/job_orders.html", orders=services.job_orders_for(current_user),
                           errors=refused.errors if refused else {}, message=refused.message if refused else None,
                           form=form, sectors=SECTORS,
                           statuses=JOB_ORDER_STATUSES, created=request.args.get("created", "")[:100],
                           countries=countries, country=country,
                           regions=place_choices.regions_for(current_user, country) if country else [],
                           region_label=place_choices.region_label,
                           label=services.status_label, tone=lambda s: STATUS_TONES.get(s, "bad")), \
        refused.code if refused else 200
