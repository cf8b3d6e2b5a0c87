"""The text search's behaviour, checked the same way on PostgreSQL (test_search.py, in process)
and on SQLite (test_search.py, in a subprocess on a fresh SQLite database)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from demos.models import Dataset, Example
from demos.queries import examples_page
from demos.services import demo_create
from demos.services.processing import Columns
from demos.services.uploads import save_upload

CSV = (
    "id,score,title,text\n"
    "t1,0.91,Printer on fire,Smoke from tray 2\n"
    "t2,0.55,Password reset,Cannot log in\n"
    "t3,0.12,Newsletter,Please unsubscribe me\n"
    "t4,0.40,Login failed,Locked out after three tries\n"
    "t5,0.33,Café order,Crème brûlée missing\n"
)


def upload(demo, user, version: str) -> Dataset:
    job = save_upload(
        demo=demo,
        uploaded=SimpleUploadedFile("outputs.csv", CSV.encode()),
        model_version=version,
        columns=Columns(id="id", score="score", classes=[], display=["title", "text"]),
        by=user,
    )
    job.refresh_from_db()
    return Dataset.objects.get(pk=job.dataset_id)


def found(dataset: Dataset, text: str) -> list[str]:
    return [example.external_id for example in examples_page(dataset, search=text).examples]


def run(project, user) -> dict:
    demo = demo_create(project=project, title="Which tickets are urgent?", by=user)
    first = upload(demo, user, "v1")
    second = upload(demo, user, "v2")  # the same text: each dataset finds only its own rows
    results = {
        "word": found(first, "printer"),
        "any_case": found(first, "PRINTER"),
        "every_word": found(first, "log in"),
        "prefix": found(first, "log"),
        "accents": found(first, "crème"),
        "title_and_text": found(first, "newsletter unsubscribe"),
        "not_all_words": found(first, "printer newsletter"),
        "punctuation_only": found(first, "%_*\"'"),
        "query_syntax_is_text": found(first, 'smoke" OR "newsletter'),
        "other_dataset": found(second, "printer"),
    }
    first.delete()
    results["after_delete"] = found(second, "printer")
    results["examples_left"] = Example.objects.filter(dataset__demo__project=project).count()
    return results


EXPECTED = {
    "word": ["t1"],
    "any_case": ["t1"],
    "every_word": ["t2"],
    "prefix": ["t2", "t4"],
    "accents": ["t5"],
    "title_and_text": ["t3"],
    "not_all_words": [],
    "punctuation_only": [],
    "query_syntax_is_text": [],
}
