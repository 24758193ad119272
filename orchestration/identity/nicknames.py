"""Common given-name variants, so `Bill Smith` and `William Smith` compare as one first name.

Each line is a formal name followed by the short or familiar forms people register under.
A form may belong to several formal names (Pat: Patrick, Patricia); two first names agree
when they share any formal name.
"""

from __future__ import annotations

_VARIANTS = """
william bill billy will willy liam
robert bob bobby rob robbie bert
richard rick ricky dick rich richie
michael mike mikey mick
james jim jimmy jamie
joseph joe joey
thomas tom tommy
christopher chris kit
daniel dan danny
anthony tony
edward ed eddie ted teddy ned
charles chuck charlie chas
kenneth ken kenny
gregory greg
timothy tim timmy
nicholas nick nicky
benjamin ben benny benji
matthew matt matty
andrew andy drew
alexander alex al xander lex
jonathan jon jonny
nathaniel nate nathan
samuel sam sammy
steven steve stevie stephen
david dave davey
donald don donnie
ronald ron ronnie
raymond ray
lawrence larry
gerald gerry jerry
jeffrey jeff
patrick pat patty paddy
peter pete
douglas doug
frederick fred freddie
henry hank harry
john jack johnny
leonard leo len lenny
vincent vince vinny
zachary zach zack
elizabeth liz lizzie beth betty betsy eliza libby
margaret peggy maggie meg marge margie
katherine kate katie kathy kat cathy catherine kathryn
jennifer jen jenny jenn
patricia patty pat trish tricia
jessica jess jessie
deborah debbie deb debra
dorothy dot dottie
barbara barb barbie
susan sue susie suzy
rebecca becky becca
kimberly kim kimmy
victoria vicky tori
christine chris chrissy christina tina
pamela pam
cynthia cindy
sandra sandy
theresa terry tess tessa teresa
abigail abby
samantha sam sammie
stephanie steph
jacqueline jackie
josephine jo josie
alexandra alex alexa sasha
jose pepe
guadalupe lupe
dolores lola
jesus chuy
francisco paco pancho
ignacio nacho
mohammed mo mohamed muhammad mohammad
andre dre
"""


def _pairs() -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for line in _VARIANTS.strip().splitlines():
        formal, *forms = line.split()
        pairs += [(form, formal) for form in (formal, *forms)]
    return sorted(set(pairs))


# (form, formal name) for every listed form, formal names included as their own form.
NICKNAME_PAIRS = _pairs()
