"""Whether a solution may be awarded a call-off contract, enforced here in the domain so that
procurement (and anything else) cannot award one that is not accredited."""

from __future__ import annotations

import datetime

from django.utils import timezone

from ..models import Framework, Solution


class NotAwardable(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("This solution cannot be awarded: " + "; ".join(problems) + ".")


def award_problems(
    solution: Solution, framework: Framework | None = None, on: datetime.date | None = None
) -> list[str]:
    """Why `solution` may not be awarded (on `framework`, on a day), in words; empty when it may."""
    on = on or timezone.localdate()
    problems = []
    if not solution.is_accredited:
        problems.append(
            "it is not accredited: its current test results do not meet every capability it claims "
            "and every overarching standard"
        )
    if not solution.is_public:
        problems.append(f"its listing is {solution.get_publication_state_display().lower()}")
    frameworks = [framework] if framework is not None else list(solution.frameworks.all())
    if framework is not None and not solution.frameworks.filter(pk=framework.pk).exists():
        problems.append(f"it is not on {framework}")
    elif not any(f.is_live(on) for f in frameworks):
        problems.append("it is on no framework that is live")
    return problems


def ensure_awardable(
    solution: Solution, framework: Framework | None = None, on: datetime.date | None = None
) -> None:
    problems = award_problems(solution, framework, on)
    if problems:
        raise NotAwardable(problems)
