-- The baseline scenario (nothing added) grades every client on the Missing & incomplete
-- list as client_momentum does; otherwise no before -> after is worth showing.
select
    regrades.scenario_key,
    regrades.grade,
    momentum.grade as momentum_grade
from {{ ref('report_missing_regrades') }} as regrades
left join {{ ref('client_momentum') }} as momentum
    on momentum.person_id = regrades.person_id
where regrades.scenario = 'baseline'
    and (momentum.grade is null or momentum.grade <> regrades.grade)
