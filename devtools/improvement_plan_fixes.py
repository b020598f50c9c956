"""What convert_improvement_plan cannot read from the seed text alone, written out by hand
from the Council Improvement Plan 2022 and checked against it.

SPLITS: where an Actions cell lists milestones without bullets, or under sub-headings, where
one ends and the next begins (the converter checks the pieces join back into the cell's words,
bullets aside). ("group", heading, items) gives one milestone per item, "heading: item";
("one", head, items) gives one milestone listing its sub-items.
DATES: where the Start/Due cells' dates do not line up one-for-one with the action and its
milestones, the alignment read from the document's layout and its Key Milestones tables.
"""

from __future__ import annotations

PLAN = {
    "source": (
        "Seed 002: Sandwell Council Improvement Plan (Phase One, 2022), converted by "
        "`manage.py convert_improvement_plan` and checked by hand against the document. Actions "
        "are the delivery-plan tables' actions, placed under their workstream; milestones are "
        "the lines listed under each action, with their dates as written. Refs IP-<theme>.<n> "
        "are the loader's: the document numbers no actions. Recommendations are the reviews' "
        "references the tables cite; the document quotes none of their text. Status scale: a "
        "simple On track / At risk / Off track / Complete / No update scale (the document sets "
        "none). Periods: April 2022 to March 2023 by month, all upcoming; with --demo-users, "
        "load_sandwell opens July 2022 (the first month after Council approved the plan in June "
        "2022) so the demo shows the monthly cycle."
    ),
    "plan": {
        "name": "Council Improvement Plan 2022",
        "slug": "improvement-plan-2022",
        "first_year": 2022,
        "last_year": 2023,
        "frequency": "monthly",
        "description": (
            "Sandwell Council's Improvement Plan (Phase One), answering the Grant Thornton Value "
            "for Money Governance Review, the CIPFA Review of Financial Management and "
            "Governance, the LGA Corporate Peer Challenge and the Secretary of State's "
            "Statutory Directions of March 2022. Six themes, each with its workstreams."
        ),
        "outcome_label": "Theme",
        "theme_label": "Workstream",
        "deliverable_label": "Deliverable",
        "action_label": "Action",
    },
}

SCALE = {
    "name": "Improvement Plan monthly status",
    "statuses": [
        {"label": "On track", "colour": "#00703C", "rag": "green", "order": 1},
        {"label": "At risk", "colour": "#FFDD00", "rag": "amber", "order": 2},
        {
            "label": "Off track",
            "colour": "#D4351C",
            "rag": "red",
            "order": 3,
            "is_exception": True,
        },
        {
            "label": "Complete",
            "colour": "#1D70B8",
            "rag": "blue",
            "order": 4,
            "closes_action": True,
            "spellings": ["Completed"],
        },
        {
            "label": "No update",
            "colour": "#B1B4B6",
            "rag": "grey",
            "order": 5,
            "means_no_update": True,
        },
    ],
}

# Section 1 of the document names each review and when it reported (a month, no day).
RECOMMENDATION_SOURCES = {
    "Grant Thornton": {"source": "Value for Money Governance Review, December 2021"},
    "CIPFA": {"source": "Review of Financial Management and Governance, January 2022"},
    "Corporate Peer Challenge": {"source": "LGA Corporate Peer Challenge, February 2022"},
    "Statutory Direction": {
        "source": "Statutory Directions from the Secretary of State for Levelling Up, Housing "
        "and Communities, March 2022"
    },
}

SPLITS = {
    "Establish the desired organisational culture for Sandwell Council": [
        "Phase 1 Engagement: Starting the Conversation",
        "Phase 2 Engagement: Determining Desired Culture",
        "Approval of document setting out the desired organisational culture",
    ],
    "Create the right environment for that organisational culture to thrive": [
        "Organisational Development Strategy and Plan Approved",
        "Other actions as a result of engagement phases",
    ],
    "Develop a clear programme of management development": [
        "Management Development Programme Designed",
        "Budget Holder Role Profile Approved",
        "Incorporate training on company roles and responsibilities in senior officer "
        "development plan",
        "Management Development Programme Delivery",
    ],
    "Design and deliver Corporate Governance Training for Officers": [
        "Scope of Corporate Governance Training for Officers approved (including comprehensive "
        "finance and governance training tailored to those with different levels of financial "
        "responsibility)",
        "Revision of Corporate Induction",
        "Effective decision-making training",
        "Procurement of Delivery Partner",
        "Delivery of Corporate Governance Training",
        "Annual Refresher of Corporate Governance Training",
    ],
    "Continue regular weekly meetings between Cabinet Members and Leadership Team": [
        "Regular meetings of Commissioners, Monitoring Officer, Section 151 Officer and Chief "
        "Whips commence",
        "Meeting structures to support regular dialogue between Senior Leadership (Officer and "
        "Member) confirmed for new Municipal Year",
    ],
    "Ward and Casework Management": [
        "Process and approach review \u2013completed as part of customer feedback review",
        "Leadership Team conversation to identify mechanisms to embed and sustain the required "
        "approach and process forward and case work linked to desired organisational culture",
    ],
    "Deliver Member Development Programme including Finance Training Programme": [
        "Service Showcase",
        "New Member Induction",
        "Approval of Member Development Programme",
        "Deliver Member Development Programme",
    ],
    "Design and deliver Corporate Governance Training for Members": [
        "Scope of Corporate Governance Training for Members approved",
        "Effective decision-making training",
        "Procurement of delivery partner",
        "Delivery of Corporate Governance Training",
        "Annual Refresher and inclusion in new Member induction",
    ],
    "Continue forward plan for all Member briefings based on themes of work / areas for "
    "development": [
        "Forward Plan for All Member Briefings in place for new Municipal Year",
        "Leadership Team Review of All Member Briefings to ensure they are meeting needs",
    ],
    "Recruitment of Chief Executive": [
        "Decision on the timescale to go out for advert for the permanent Chief Executive",
        "Recruitment process takes place",
    ],
    "Implement Oracle Fusion": [
        "Cabinet approval for action plan to continue implementation of Oracle Fusion",
        "Terminate implementation partner contract with InoApps",
        "Implement robust project management arrangements",
        "Review operational team to ensure there are appropriate resources in place during "
        "implementation phase",
        "Project management training for all of project team, including Project Sponsors",
        "Procure new support provider to deliver Oracle Fusion",
        "Support provider in place and delivery commences",
    ],
    "Single Improvement Plan Phase 1": [
        "Council approval of Improvement Plan",
        "Commissioners Report prepared",
        "Commissioners Report to Secretary of State",
        (
            "group",
            "Single Improvement Plan Phase 2",
            ["Council approval of Improvement Plan Phase 2"],
        ),
    ],
    "Continuous Improvement Plan": ["Develop a Continuous Improvement Plan"],
    "Performance Management Framework (PMF)": [
        "Council approval of PMF",
        "Q1 performance report",
    ],
    "Budget Monitoring": [
        "Report format agreed by Leadership Team",
        "Q1 budget report to Leadership Team, Cabinet and Scrutiny",
        "Monthly Budget monitoring",
    ],
    "Regen Pipeline Development and Delivery": [
        "Cabinet Approval of Regen Strategy and Pipeline 2022-27",
        "Pipeline projects monitored on a 6-monthly basis",
        (
            "one",
            "Internal infrastructure established for delivery -",
            [
                "Programme and Project Management Structures in place",
                "Programme Management Software Procurement",
                "Project Management Software procurement",
                "Microsite creation for information around priority projects for stakeholders",
            ],
        ),
    ],
    "Corporate Asset Management Strategy Development": [
        "Confirmation of funding for remaining Workplace Vision components",
        ("group", "Work Place Vision", ["Cabinet Workshop to provide steer"]),
        ("group", "Transforming Local Services", ["Options for hub locations identified"]),
        (
            "group",
            "Asset Review",
            ["Procurement of asset database", "Implementation of new Asset Database"],
        ),
        (
            "group",
            "Surplus Assets & commercial estate",
            [
                "Maximising Value out of surplus assets portfolio \u2013 Cabinet report",
                "Corporate Asset Management Strategy Approved",
            ],
        ),
    ],
    "Implement 4-yearly election cycle": [
        "Options Paper to Leadership Team",
        "Council Decision to implement",
    ],
    "In-depth review and revision to Corporate Governance Documents": [
        "Effective Decision Making Training",
        "Revised Procurement and Contract Procedure Rules agreed",
        "Revised Financial Regs agreed",
        "Revised Council Procedure Rules",
        "Revised Sale of Land and Buildings Protocol",
        "Revised Scheme of Delegations agreed",
    ],
    "Refresh existing arrangements for arms-length companies": [
        "Identify existing arms-length companies, company directors and company administration",
        "Conduct review to ensure appropriate resources are allocated to these organisations",
        "Implement annual reporting arrangements",
    ],
    "Refresh decision making-arrangements including the role of Scrutiny": [
        "Review of scrutiny arrangements",
        "Scrutiny Work Planning event",
        "Approval of any changes to scrutiny (if required following review)",
    ],
    "Implementation of Scrutiny Recommendations relating to key issues": [
        "SEND Transport recommendations relating to procurement concluded",
        "Recommendations relating to Waste Contract concluded",
    ],
    "ARAC report and recommendations in relation to SEND Transport": [
        "Completion of report and recommendations"
    ],
    "Explore implementation of a corporate performance management system": [
        "Options Appraisal",
        "Business Case and Implementation Plan Considered",
    ],
    "Procurement of new asset management system": [
        "Market Research",
        "Procurement Concluded",
        "Implementation",
    ],
    "Action plan to agree way forward and resolve matter": [
        "Brief Cabinet on options",
        "Presentation of proposal by developer to Cabinet",
        "Options appraisal report to Cabinet for approval of way forward",
    ],
    "Implement approved way forward Responsibilities of both council and developer clarified "
    "within action plan": [
        "Implement approved way forward",
        "Responsibilities of both council and developer clarified within action plan",
    ],
    "Governance arrangements to manage, develop and support the current and future delivery "
    "of leisure services across the borough, including the new Aquatic Centre": [
        "Governance arrangements in place",
        "Termination of existing Contract",
        "Step-in provider in place",
        "Option appraisal for future facility management options\u2013 Cabinet report",
        "Arrangement in place for future delivery of leisure facilities",
    ],
}

DATES: dict[str, tuple[list[str], list[str]]] = {
    # (start dates, due dates): the action's first ("" for none), then each milestone's.
    # The co-lead's row repeats the action's dates: they are the action's, not a milestone's.
    "Develop a clear programme of management development": (["Aug 2022"], ["Dec 2022"]),
    # One date per milestone in both cells (Key Milestones: scope June, procurement August,
    # delivery Autumn 2022).
    "Design and deliver Corporate Governance Training for Officers": (
        ["", "May 2022", "Jun 2022", "Jul 2022", "Jun 2022", "Autumn 2022", "TBC 2023"],
        ["", "Jun 2022", "Jul 2022", "Sep 2022", "Aug 2022", "Dec 2022", "TBC 2023"],
    ),
    "Design and deliver Corporate Governance Training for Members": (
        ["", "Mar 2022", "Jul 2022", "Jul 2022", "Autumn 2022", "Sep 2022"],
        ["", "Jun 2022", "Sep 2022", "Sep 2022", "Dec 2022", "Oct 2022"],
    ),
    # The Service Showcase is one day (18 May 2022): it has a due date and no start.
    "Deliver Member Development Programme including Finance Training Programme": (
        ["", "", "May 2022", "Jul 2022", "Jul 2022"],
        ["", "18 May 2022", "Jun 2022", "Jul 2022", "Mar 2023"],
    ),
    "Continue forward plan for all Member briefings based on themes of work / areas for "
    "development": (["", "May 2022", "Mar 2022"], ["", "Jun 2022", "Ongoing"]),
    # Seven milestones, six dates after the action's: the three completed ones first; the
    # new support provider is the last (April 2023); procuring it is left undated.
    "Implement Oracle Fusion": (
        ["Dec 2021", "", "", "", "", "", "Jul 2022"],
        ["Apr 2023", "Complete", "Complete", "Complete", "Jul 2022", "Jul 2022", "", "Apr 2023"],
    ),
    # Training is delivered from Autumn 2022; the rules were agreed July 2022 (Theme 4).
    "Refresh and embed the Corporate Procurement Strategy": (
        ["Autumn 2021", "", "", "Autumn 2022"],
        ["", "Jul 2022", "May 2022", "Dec 2022"],
    ),
}
