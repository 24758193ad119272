{#
    Momentum vocabulary shared by the marts. The thresholds themselves are rubric rows
    (raw.rubric_*); this file only names the grades and the catch-all stall-reason cluster.
#}

{# grade -> the label reports show. #}
{% macro grade_label(grade) -%}
    case {{ grade }}
        when 'green' then 'Active'
        when 'amber' then 'Follow-up pending'
        when 'red' then 'Stalled'
        when 'closed' then 'Closed'
    end
{%- endmacro %}

{# The cluster for a stall reason that matches no rubric cluster, or for no reason at all. #}
{% macro other_stall_cluster_key() -%}'other'{%- endmacro %}
{% macro other_stall_cluster_label() -%}'Other'{%- endmacro %}
