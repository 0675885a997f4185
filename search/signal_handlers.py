"""Search follows the catalogue's events: a listing whose state, content or conformance changed is
reindexed by a Celery task once the change commits; the web request never waits for the index."""

from django.dispatch import receiver

from catalogue import events

from .tasks import reindex_listings, schedule_reindex


@receiver(events.listing_state_changed, dispatch_uid="search_state_changed")
@receiver(events.listing_content_changed, dispatch_uid="search_content_changed")
@receiver(events.conformance_changed, dispatch_uid="search_conformance_changed")
def listing_changed(sender, solution_id: int, **kwargs) -> None:
    schedule_reindex([solution_id])


@receiver(events.listings_loaded, dispatch_uid="search_listings_loaded")
def listings_loaded(sender, solution_ids: list[int], **kwargs) -> None:
    reindex_listings.delay(solution_ids)
