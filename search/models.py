"""The search read model: one denormalised row per public listing with its facet values (as codes),
its cost as a function of list size, and the lexicon of indexed words (for correcting typos).

Built from the catalogue by search/documents.py and kept current by Celery tasks that the catalogue's
events trigger (search/signal_handlers.py). The text index itself is the database's: a weighted,
GIN-indexed `tsvector` in the narrow `ListingText` table on PostgreSQL, an FTS5 table on SQLite (both
kept in step with the documents by triggers made by this app's migrations), or an Elasticsearch index
(search/backends/elasticsearch.py).
"""

from __future__ import annotations

from django.db import models
from wagtail.search import index

from catalogue.models import Solution

from .fields import CodeListField, TextVectorField


class ListingDocument(models.Model):
    """A public listing as search sees it. Only published and in-remediation listings are here."""

    solution = models.OneToOneField(
        Solution, primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    catalogue_id = models.CharField(max_length=12)
    name = models.CharField(max_length=255)
    name_sort = models.CharField(max_length=255, db_index=True)
    supplier_name = models.CharField(max_length=255)
    supplier_code = models.CharField(max_length=10)
    # Text, by weight: name (A); supplier and capability names (B); summary, features and epic names
    # (C); description (D).
    capability_text = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    feature_text = models.TextField(blank=True)
    epic_text = models.TextField(blank=True)
    description = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, db_index=True)
    is_accredited = models.BooleanField(default=False)
    is_foundation = models.BooleanField(default=False)
    in_remediation = models.BooleanField(default=False)
    # Every facet value of the listing as a FacetCode id. Counting facets unnests these from the rows
    # the text search has already read, rather than joining a table of a million (listing, facet,
    # value) rows: at 50,000 listings that join was most of a search's time (bench/search.py).
    # Nullable so that adding it on SQLite is an ALTER TABLE, not a table rebuild that would drop the
    # FTS5 triggers (0002); store() always fills it.
    facet_codes = CodeListField(null=True, blank=True)
    source_hash = models.CharField(max_length=64, help_text="Hash of what the row was built from.")
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_sort", "solution_id"]

    def __str__(self) -> str:
        return self.name


class ListingText(models.Model):
    """A document's weighted text vector, on PostgreSQL, apart from the wide document row: matching a
    broad text reads these narrow rows (vectors kept inline, compressed) rather than every page of the
    descriptions, and ranking them needs no TOAST reads (docs/search.md). A trigger on the document
    table writes it (migration 0007); Django only reads and deletes it."""

    document = models.OneToOneField(
        ListingDocument,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="text",
        db_column="solution_id",
    )
    search_vector = TextVectorField(null=True, editable=False)

    def __str__(self) -> str:
        return f"text of {self.document_id}"


class FacetCode(models.Model):
    """A number for one value of one facet, such as capability C43 or hosting public_cloud. Codes are
    handed out as values first appear and never reused, so a document's codes stay valid."""

    id = models.AutoField(primary_key=True)  # 32-bit: documents hold codes in an integer[]
    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["facet", "value"], name="unique_facet_code")]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"


class ListingPriceSegment(models.Model):
    """Over list sizes `lower` to `upper`, a practice's first-year cost is slope x list size + intercept
    (search/price_index.py): the price filter and sort work for any list size, exactly, in SQL."""

    document = models.ForeignKey(ListingDocument, on_delete=models.CASCADE, related_name="price_segments")
    lower = models.PositiveIntegerField()
    upper = models.PositiveIntegerField(null=True)
    slope = models.DecimalField(max_digits=18, decimal_places=4)
    intercept = models.DecimalField(max_digits=20, decimal_places=4)

    class Meta:
        indexes = [models.Index(fields=["document", "lower"])]

    def __str__(self) -> str:
        return f"{self.lower}-{self.upper}: {self.slope}*n + {self.intercept}"


class SearchTerm(models.Model):
    """A word that occurs in the index, for correcting a misspelt query word to the nearest one."""

    term = models.CharField(max_length=60, unique=True)
    frequency = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.term


class IndexState(models.Model):
    """One row: a token that every write to the read model changes, in the writing transaction. A
    process that keeps something derived from the read model in memory (search/facet_matrix.py) reads
    the token to know whether that copy is current: it changes exactly when the committed rows do, in
    every process, whatever cache is configured. Random rather than a counter, so a rolled-back write
    (as in tests) can never hand the same token to different contents."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.CharField(max_length=32, default="initial")

    def __str__(self) -> str:
        return self.token


class IndexChange(models.Model):
    """One write to the read model: the token it replaced, the token it set, and the listings it wrote
    or removed (NULL: possibly all of them, as a rebuild). Written with the token, under the state
    row's lock, so the changes form one chain in commit order; a process holding the facet matrix of
    an older token patches just those listings instead of reading every one (search/facet_matrix.py).
    Only the latest changes are kept (`facet_matrix.KEPT_CHANGES`); a broken chain means a full read."""

    id = models.BigAutoField(primary_key=True)
    previous = models.CharField(max_length=32)
    token = models.CharField(max_length=32, unique=True)
    solution_ids = CodeListField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.previous} -> {self.token}"


class WagtailIndexedListing(index.Indexed, ListingDocument):
    """The same documents through Wagtail's built-in search, for bench/search.py's comparison only:
    the service never searches this way. A proxy, so saving or deleting documents does not touch
    Wagtail's index; `manage.py update_index` fills it when the benchmark asks."""

    search_fields = [
        index.SearchField("name", boost=10),
        index.SearchField("supplier_name", boost=4),
        index.SearchField("capability_text", boost=4),
        index.SearchField("summary", boost=2),
        index.SearchField("feature_text"),
        index.SearchField("epic_text"),
        index.SearchField("description"),
        index.FilterField("is_accredited"),
        index.FilterField("is_foundation"),
        index.FilterField("supplier_code"),
        index.FilterField("in_remediation"),
    ]

    class Meta:
        proxy = True
