"""The units' performance criteria, and which of them each topic may claim to evidence.

``criteria.csv`` is a copy of the project's list (unit, element, criterion,
wording, and how the wording was checked); a test keeps it equal to the
project's shared copy. Graded cells, written answers and scenarios carry tags
such as ``BSBCUS401:3.1``.

The learner guide titled BSBCUS501 follows BSBCUS401 (Coordinate implementation
of customer service strategies) section by section: its 1A-3D are BSBCUS401's
1.1-3.4. So a topic built from that guide's section 3A evidences BSBCUS401:3.1,
not BSBCUS501:3.1 (a different criterion of a different unit). ``TOPIC_CRITERIA``
says, per topic, which criteria its content can honestly evidence: the guide
sections it is built from, and the BSBCUS501 criteria whose wording it meets.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

TAG = re.compile(r"^(BSBCUS\d{3}):(\d+\.\d+)$")

TOPIC_CRITERIA: dict[str, frozenset[str]] = {
    topic: frozenset(codes.split())
    for topic, codes in {
        # 501 guide 1A; 403 guide 1A; needs in planning
        "01-customer-needs": "BSBCUS401:1.1 BSBCUS403:1.1 BSBCUS403:3.1 BSBCUS501:1.1",
        # 501 guide 1B; 403 guide 1B; feedback reviewed with others
        "02-service-audit": "BSBCUS401:1.2 BSBCUS403:1.2 BSBCUS403:2.2 BSBCUS403:2.3 BSBCUS501:3.1",
        # 501 guide 1C, 1D
        "03-improvement-options": "BSBCUS401:1.2 BSBCUS401:1.3 BSBCUS401:1.4 BSBCUS501:1.2 BSBCUS501:3.3",
        # 403 guide 1A-2D; example standards
        "04-service-standards": ("BSBCUS403:1.1 BSBCUS403:1.2 BSBCUS403:2.1 BSBCUS403:2.3 BSBCUS403:2.4 "
                                 "BSBCUS403:2.5 BSBCUS501:2.1 BSBCUS501:2.2"),
        # 501 guide 2A, 2B, 2D; 403 guide 3A; coaching
        "05-strategies-and-budgets": ("BSBCUS401:2.1 BSBCUS401:2.2 BSBCUS401:2.4 BSBCUS403:2.1 BSBCUS403:3.1 "
                                      "BSBCUS403:3.2 BSBCUS501:2.2 BSBCUS501:2.3 BSBCUS501:3.3"),
        # 501 guide 2C; applying the refunds policy; recording complaints in a log
        "06-complaint-handling": "BSBCUS401:2.3 BSBCUS403:1.1 BSBCUS403:2.3 BSBCUS501:3.4 BSBCUS501:3.5",
        # 501 guide 3A; monitoring notes
        "07-measuring-satisfaction": ("BSBCUS401:3.1 BSBCUS401:3.2 BSBCUS401:3.3 BSBCUS403:2.2 "
                                      "BSBCUS501:3.1 BSBCUS501:3.2"),
        # 501 guide 3B-3D; monitoring notes
        "08-reporting-and-improvement": ("BSBCUS401:3.2 BSBCUS401:3.3 BSBCUS401:3.4 BSBCUS501:3.4 "
                                         "BSBCUS501:3.5"),
    }.items()
}


@lru_cache(maxsize=None)
def load(path: str | None = None) -> dict[str, dict]:
    """Every criterion by its tag (``UNIT:PC``), with its unit, element and wording."""
    source = Path(path) if path else Path(__file__).with_name("criteria.csv")
    with source.open(newline="", encoding="utf-8") as handle:
        return {f"{row['unit']}:{row['pc']}": row for row in csv.DictReader(handle)}


def problems_with(tags, topic: str, where: str) -> list[str]:
    """What is wrong with the criteria tags of one graded cell or scenario, in words."""
    known = load()
    found = []
    for tag in tags:
        if not TAG.match(tag):
            continue  # other tags (nbval's, for instance) are not criteria
        if tag not in known:
            found.append(f"{where}: {tag} is not a performance criterion in criteria.csv")
        elif topic in TOPIC_CRITERIA and tag not in TOPIC_CRITERIA[topic]:
            found.append(f"{where}: {tag} ({known[tag]['text'][:60]}...) is not one topic {topic} evidences; "
                         f"choose from {', '.join(sorted(TOPIC_CRITERIA[topic]))}")
    return found
