"""Watch: where crime is going, on the store itself (issue 14).

Count series by any field and period (``series``), their trends, change points and
forecasts (``trends``), the early-warning methods of the outbreak-detection literature
checked against R ``surveillance`` (``surveillance``, ``alerts``), and new and emerging
crime (``emerging``). Every method says when a series is too short or too sparse for it,
and no alarm is ever raised on a period the completeness metadata shows as partial.
"""
