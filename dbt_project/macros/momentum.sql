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

{# Clients counted by grade: all, open (not closed), and one count per grade. #}
{% macro grade_counts(grade) -%}
    count(*) as clients,
    count(case when {{ grade }} <> 'closed' then 1 end) as open_clients,
    count(case when {{ grade }} = 'green' then 1 end) as green_clients,
    count(case when {{ grade }} = 'amber' then 1 end) as amber_clients,
    count(case when {{ grade }} = 'red' then 1 end) as red_clients,
    count(case when {{ grade }} = 'closed' then 1 end) as closed_clients
{%- endmacro %}

{# The cluster for a stall reason that matches no rubric cluster. #}
{% macro other_stall_cluster_key() -%}'other'{%- endmacro %}
{% macro other_stall_cluster_label() -%}'Other'{%- endmacro %}

{# The "cluster" of a stalled client for whom no reason was ever captured: a gap in the
   record to close, not a kind of barrier. #}
{% macro unrecorded_stall_cluster_key() -%}'not_recorded'{%- endmacro %}
{% macro unrecorded_stall_cluster_label() -%}'Reason never recorded'{%- endmacro %}
