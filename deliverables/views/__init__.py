"""The quarterly cycle's pages, one module per stage: browse (reading the plan), updates (an
officer's quarter), review (an approver's queue), periods (the performance team's quarters)
and actions (one action, its people and its place in the plan)."""
