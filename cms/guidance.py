"""The guidance pages the site starts with. The catalogue team edits them in Wagtail afterwards;
`setup_site` only creates them when missing. Facts from the GP IT Futures buying rules."""


def _text(html: str) -> dict:
    return {"type": "text", "value": html}


def _heading(text: str) -> dict:
    return {"type": "heading", "value": text}


GUIDANCE_PAGES = [
    {
        "slug": "how-to-buy",
        "title": "How to buy",
        "summary": "How practices, PCNs and ICBs call off solutions from the frameworks: which route to "
        "take, how a competition works, and what goes in the order.",
        "body": [
            _heading("Choose your route by the value of the contract"),
            _text(
                "<p>Estimate the total value over the whole contract, including one-off costs. On GP IT "
                "Futures:</p><ul><li><b>up to £40,000</b>: you may make a direct award to a solution that "
                "meets your needs;</li><li><b>up to £250,000</b>: run a further competition on this "
                "catalogue;</li><li><b>above £250,000</b>: run an off-catalogue competition, outside this "
                "service.</li></ul>"
            ),
            _heading("Run a competition"),
            _text(
                "<ol><li>Search the catalogue for what you need and save the search as a shortlist.</li>"
                "<li>From the solutions that match, choose between 2 and 8 to compete. Write down why you "
                "left out each of the others. If exactly one solution meets your needs, you can make a "
                "direct award instead.</li><li>Decide how you will judge them: on price alone, or on "
                "price (30% to 90%) and non-price elements (10% to 70%), in multiples of 5%, adding up to "
                "100%. Non-price elements are features, implementation, interoperability and service "
                "levels.</li><li>Score each solution from 1 to 5 on each non-price element, with a "
                "reason. Price scores follow the rule: the cheapest over the contract scores 5; up to 25% "
                "more, 4; up to 50% more, 3; up to 100% more, 2; more than that, 1.</li><li>The highest "
                "weighted total wins. Ties are shown as ties.</li></ol>"
            ),
            _heading("Place the order"),
            _text(
                "<p>An order (a call-off contract) has an id such as C000123-01; an amendment becomes the "
                "next revision, C000123-02. It records the commencement date, the initial period and the "
                "maximum term in months (never more than the framework allows, 36 months on GP IT "
                "Futures). The end date is the commencement date plus the maximum term, less a day.</p>"
                "<p>Service recipients are the practices that will use the solution, by ODS code. "
                "Per-patient prices use each practice's registered list size. You may agree a price below "
                "the list price, never above it, and you record how each item is funded.</p>"
            ),
            {
                "type": "inset_text",
                "value": "<p>We remind you 90 and 45 days before a contract ends, so you have time to buy "
                "again or switch supplier.</p>",
            },
        ],
    },
    {
        "slug": "accreditation",
        "title": "What accreditation means",
        "summary": "What it takes for a solution to be listed: capabilities, epics, standards, and the "
        "test results that prove them.",
        "body": [
            _heading("Capabilities and epics"),
            _text(
                "<p>A capability is something a practice needs software to do, such as Prescribing (C14) "
                "or Online Consultation (C43). Each capability is made of epics: requirements at MUST, "
                "SHOULD or MAY level. A solution meets a capability when it passes every MUST epic. "
                "Suppliers can define extra epics of their own (ids starting with S); those are always "
                "MAY.</p><p>Six capabilities are the foundation every GP practice needs: Appointments "
                "Management – GP, Referral Management – GP, Resource Management, Patient Information "
                "Maintenance – GP, Prescribing, and Recording Consultations – GP.</p>"
            ),
            _heading("Standards"),
            _text(
                "<p>Overarching standards, such as clinical safety, data protection and business "
                "continuity, apply to every solution. Interoperability standards, such as GP Connect or "
                "IM1, apply where a solution says it supports them.</p>"
            ),
            _heading("Evidence, not claims"),
            _text(
                "<p>Whether a solution passes is recorded from the results of the standards test harness, "
                "with the date and a link to the evidence, not typed in by hand. Results lapse after 12 "
                "months unless they are renewed.</p>"
            ),
            {
                "type": "warning",
                "value": {
                    "heading": "When a solution falls short",
                    "text": "<p>A listing <b>in remediation</b> stays in the catalogue with a warning while "
                    "its supplier puts things right. A <b>suspended</b> listing is hidden from search, and "
                    "its page says why. Only a solution that meets its capabilities and the overarching "
                    "standards can be awarded a contract.</p>",
                },
            },
        ],
    },
]
