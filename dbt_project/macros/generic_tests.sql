{#
    Generic data tests for the HUD reporting marts.
#}

{# Every non-null value of the column lies in [min_value, max_value]. #}
{% test value_between(model, column_name, min_value, max_value) %}

select *
from {{ model }}
where {{ column_name }} < {{ min_value }}
    or {{ column_name }} > {{ max_value }}

{% endtest %}

{# The column never exceeds another column of the same row (a numerator its denominator). #}
{% test not_greater_than(model, column_name, other_column) %}

select *
from {{ model }}
where {{ column_name }} > {{ other_column }}

{% endtest %}
