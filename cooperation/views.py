from django.shortcuts import render

from cooperation.commons import FIVE_COMMONS
from cooperation.models import Agreement


def home(request):
    """The public home page: the programme and its five commons."""
    agreements = Agreement.objects.prefetch_related("parties")[:3]
    return render(request, "home.html", {"commons": FIVE_COMMONS, "agreements": agreements})
