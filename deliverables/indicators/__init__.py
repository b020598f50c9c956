"""Performance indicators: the room for measures with targets, beside the actions they evidence.

points (months, quarters and years of a financial year), rag (the RAG rule, direction of travel
and quartiles, in plain Python), rules (who sees and what counts), readings (each indicator's
figure for a quarter, for a reader: the one place pages, exports and reports get it from).
"""
