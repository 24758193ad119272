-- Every element on the Missing & incomplete list has its scenario, and every listed client
-- a baseline and an `all` scenario.
with expected as (
    select element_key as scenario_key from {{ ref('report_missing_elements') }}
    union
    select {{ dbt.concat(['person_id', "'|baseline'"]) }} from {{ ref('report_missing_elements') }}
    union
    select {{ dbt.concat(['person_id', "'|all'"]) }} from {{ ref('report_missing_elements') }}
)

select expected.scenario_key
from expected
left join {{ ref('report_missing_regrades') }} as regrades
    on regrades.scenario_key = expected.scenario_key
where regrades.scenario_key is null
