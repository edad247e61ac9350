"""Build the bundled sample workbook: Seodaemun-gu's governance bodies on 2021-03-01.

Usage: python workbook/build_sample.py [--out PATH]   (default workbook/sample/seodaemun-2021.xlsx)

Every figure comes from the office's 2021 progress report (shared/seed/000_738550add0f3e293.txt);
the sheets and columns follow shared/workbook-contract.md. People are fictional: names are drawn
from syllable lists, phone numbers are 010-0000-NNNN.

How the memberships are built:
1. The council (협치회의) is laid down by hand: 11 당연직, the 민간 의장, the 7 분과장, three TF
   leaders, two more 운영위원회 members, the other 민간 and the 시·구의원. Each of them has a
   target activity count taken from the seed's council overlap table. The structural seats
   (운영위원회, each 분과장's own 분과 and up to five of its working groups, the TF leads, the
   협치조정관's working groups) are placed at once.
2. One official (공무원 of the 담당부서) per working group, as its 행정; eight of them also sit on
   the 주민대상교육 행정 TFT.
3. The remaining 민간 get the activity counts still missing from the district-wide overlap table.
4. The open seats are filled Havel-Hakimi style: the person with the most seats still to take
   goes first, into the bodies with the most room left, never twice into one body, into at
   most one 분과위원회, and a 분과장 into no more than five of their own 분과's working groups.
5. Roles in working groups (리더, 전문가, 촉진가, 일반) are labelled afterwards, start dates are
   drawn, meetings and attendance follow, and check_targets() refuses a book that misses any
   figure of the seed.
Randomness (names, dates, scores) comes from string-seeded random.Random instances, and the file
is written with fixed timestamps, so two runs give the same bytes.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import unicodedata
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

DEFAULT_OUT = Path(__file__).resolve().parent / "sample" / "seodaemun-2021.xlsx"
SEED = "seodaemun-2021"
BOOK_TIMESTAMP = datetime(2021, 3, 1, 9, 0, 0)

REFERENCE_DAY = date(2021, 3, 1)  # seed: "2021. 3.1일 기준"
COUNCIL_TERM_START = date(2019, 10, 11)  # seed: 제2기 위촉기간 2019-10-11 ~ 2021-10-10
COUNCIL_TERM, COUNCIL_TERM_END = "제2기", date(2021, 10, 10)
OTHER_BODIES_FROM = date(2020, 1, 1)
OTHER_BODIES_UNTIL = date(2021, 2, 15)
LEFT_COUNCIL_LAST_DAY = date(2020, 12, 1)  # between the 13th (11-25) and 14th (12-29) meetings
LEFT_COUNCIL_DISMISSED = date(2020, 12, 2)
LEFT_COUNCIL_REASON = "구의회 의원 교체"
SUCCESSORS_START = date(2021, 1, 15)

# 유형 (organisation types), 신분, 구분, 방식, 역할 and 출석 values of the contract.
COUNCIL, STEERING, SUBCOMMITTEE, WORKING_GROUP, TASKFORCE = (
    "협치회의", "운영위원회", "분과위원회", "워킹그룹", "TFT")
OFFICIAL, CITY_COUNCILLOR, DISTRICT_COUNCILLOR, CIVILIAN = "공무원", "시의원", "구의원", "민간"
EX_OFFICIO, APPOINTED = "당연직", "위촉직"
OFFLINE, ONLINE = "오프라인", "온라인"
PRESENT, ABSENT, PROXY = "출석", "불참", "대리출석"
ADMIN_DEPT = "민관협치과"
COUNCIL_ID, STEERING_ID = "C01", "S01"


class BuildError(RuntimeError):
    """The generated book misses a figure of the seed."""


def require(condition: bool, message: str) -> None:
    if not condition:
        raise BuildError(message)


# --------------------------------------------------------------------------- bodies

@dataclass(frozen=True)
class Body:
    id: str
    name: str
    type: str
    size: int  # 정원, also the number of members on REFERENCE_DAY
    parent: str | None = None
    dept: str = ADMIN_DEPT
    term: str | None = None  # 기수
    term_end: date | None = None  # 임기종료일


# seed: "7개분과, 169명" with the per-분과 sizes 11, 25, 37, 33, 27, 12, 24.
SUBCOMMITTEES = (
    Body("B01", "기반구축분과", SUBCOMMITTEE, 11),
    Body("B02", "제도행정분과", SUBCOMMITTEE, 25),
    Body("B03", "경제산업분과", SUBCOMMITTEE, 37),
    Body("B04", "교육문화분과", SUBCOMMITTEE, 33),
    Body("B05", "기후환경분과", SUBCOMMITTEE, 27),
    Body("B06", "보건복지분과", SUBCOMMITTEE, 12),
    Body("B07", "보육분과", SUBCOMMITTEE, 24),
)

# seed: working groups ①..㉓ with 담당부서 and size; ⑤ runs separately (도시재생주민협의체), so
# W05 is skipped. The parent 분과 is our choice by topic.
WORKING_GROUPS = (
    Body("W01", "의제발굴", WORKING_GROUP, 8, "B01", "민관협치과"),
    Body("W02", "교육기획", WORKING_GROUP, 6, "B01", "민관협치과"),
    Body("W03", "주민자치회 활성화", WORKING_GROUP, 17, "B02", "자치행정과"),
    Body("W04", "주민참여예산 활성화", WORKING_GROUP, 17, "B02", "민관협치과"),
    Body("W06", "입주민을 위한 아파트 민주주의 사용설명서", WORKING_GROUP, 8, "B03", "주택과"),
    Body("W07", "동단위 자원봉사 생태계 조성 및 문화확산", WORKING_GROUP, 9, "B01", "민관협치과"),
    Body("W08", "인권주민회의 활성화로 인권도시 서대문 구현", WORKING_GROUP, 8, "B02",
         "기획예산과"),
    Body("W09", "정보공개 확대 활성화", WORKING_GROUP, 7, "B02", "기획예산과"),
    Body("W10", "자원 선순환 홍제천 폭포장 운영", WORKING_GROUP, 9, "B05", "청소행정과"),
    Body("W11", "홍제천 자전거길 개선", WORKING_GROUP, 6, "B05", "안전치수과"),
    Body("W12", "홍제천 생태교육", WORKING_GROUP, 6, "B05", "기후환경과"),
    Body("W13", "청년발달장애인의 자립지원을 위한 서대문 이웃사촌 만들기", WORKING_GROUP, 7, "B06",
         "사회복지과"),
    Body("W14", "이웃간 분쟁예방을 위한 주민자율조정 기반조성", WORKING_GROUP, 8, "B02",
         "민관협치과"),
    Body("W15", "서대문 작은도서관 활성화 지원", WORKING_GROUP, 8, "B04", "민관협치과"),
    Body("W16", "서대문구 아빠들의 지역사회 네트워크 구축", WORKING_GROUP, 10, "B07", "여성가족과"),
    Body("W17", "기후위기 대응을 위한 에너지 절약문화 확산", WORKING_GROUP, 7, "B05", "기후환경과"),
    Body("W18", "대학 에너지 절감 및 효율화", WORKING_GROUP, 11, "B05", "기후환경과"),
    Body("W19", "저층주거 에너지 절감 및 효율화", WORKING_GROUP, 17, "B05", "기후환경과"),
    Body("W20", "난청예방교육 및 보완대체 의사소통 보급", WORKING_GROUP, 7, "B06", "사회복지과"),
    Body("W21", "아이들의 꿈 담은 신기한 놀이터", WORKING_GROUP, 6, "B07", "푸른도시과"),
    Body("W22", "서대문구 먹거리 자치의 실천, 공동체 마을 밥상", WORKING_GROUP, 9, "B03",
         "사회적경제과"),
    Body("W23", "서대문 청소년 성인지감수성 업업!!", WORKING_GROUP, 8, "B04", "아동청소년과"),
)

# seed: 의제발굴 TF (8명), 주민대상교육 행정 TFT (27명), 주민자치회 조례개정TF (12명),
# 환경분야조례 TFT (9명): 56 in the 영역별 활동현황 ("소단위TFT 3개 48명" leaves out the 8).
TASKFORCES = (
    Body("T01", "의제발굴 TF", TASKFORCE, 8),
    Body("T02", "주민대상교육 행정 TFT", TASKFORCE, 27),
    Body("T03", "주민자치회 조례개정 TF", TASKFORCE, 12, dept="자치행정과"),
    Body("T04", "환경분야조례 TFT", TASKFORCE, 9, dept="기후환경과"),
)

BODIES = (
    # seed: 협치회의 위원 50명, 운영위원회 14명; 제2기 위촉기간 2019-10-11 ~ 2021-10-10. The seed
    # gives no term for the 분과위원회, 워킹그룹 and TF: their 기수/임기종료일 stay blank.
    Body(COUNCIL_ID, "서대문 협치회의", COUNCIL, 50, term=COUNCIL_TERM, term_end=COUNCIL_TERM_END),
    Body(STEERING_ID, "운영위원회", STEERING, 14, term=COUNCIL_TERM, term_end=COUNCIL_TERM_END),
    *SUBCOMMITTEES,
    *WORKING_GROUPS,
    *TASKFORCES,
)

# seed, 영역별 활동현황 on 3.1.: 488 = 50 + 14 + 169 + 199 + 56.
SEATS_BY_TYPE = {COUNCIL: 50, STEERING: 14, SUBCOMMITTEE: 169, WORKING_GROUP: 199, TASKFORCE: 56}

# seed, 중복활동현황 on 3.1.: people per number of bodies (281 people, 488 seats).
DISTRICT_DISTRIBUTION = {11: 1, 10: 0, 9: 0, 8: 3, 7: 2, 6: 2, 5: 4, 4: 10, 3: 22, 2: 64, 1: 173}

# seed, 협치회의 위원 중복활동 현황: 당연직 11 = 1 (조정관, 6 bodies) + 10 in 1 body.
COUNCIL_EX_OFFICIO_DISTRIBUTION = {6: 1, 1: 10}
# The seed's 위촉직 row reads 11:1, 8:4, 7:1, 6:1, 5:4, 4:2, 3:9, 2:14, 1:3. That cannot be:
# the whole district has only 3 people in 8 bodies. We keep every other figure and move one
# person from 8 bodies to 7.
COUNCIL_APPOINTED_DISTRIBUTION = {11: 1, 8: 3, 7: 2, 6: 1, 5: 4, 4: 2, 3: 9, 2: 14, 1: 3}

# Targets of the council's 위촉직 민간 (they realise COUNCIL_APPOINTED_DISTRIBUTION together with
# the 시·구의원: three of them in the council only, one also in a TF).
CHAIR_TARGET = 8
SUBCOMMITTEE_HEAD_TARGETS = {"B01": 8, "B02": 8, "B03": 7, "B04": 7, "B05": 11, "B06": 6, "B07": 5}
TASKFORCE_HEAD_TARGETS = {"T01": 5, "T02": 5, "T03": 5}  # T04 is led by the 기후환경 분과장
STEERING_MEMBER_TARGETS = (4, 4)
OTHER_COUNCIL_CIVILIAN_TARGETS = (3,) * 9 + (2,) * 13
MAX_HEAD_WORKING_GROUPS = 5  # seed: "분과장(각 분과별 워킹그룹 1~5개 포함)"

# seed section 4: 당연직 11명 (구청장, 구의회 의장, 각 국장, 보건소장, 추진단장, 조정관).
# (소속, 직위, 신분); the six 국 are the ones the seed names under "대직".
EX_OFFICIO_SEATS = (
    ("서대문구", "구청장", OFFICIAL),
    ("서대문구의회", "의장", DISTRICT_COUNCILLOR),
    ("주민자치국", "국장", OFFICIAL),
    ("기획재정국", "국장", OFFICIAL),
    ("환경생활국", "국장", OFFICIAL),
    ("복지문화국", "국장", OFFICIAL),
    ("도시재생국", "국장", OFFICIAL),
    ("안전건설교통국", "국장", OFFICIAL),
    ("서대문구보건소", "보건소장", OFFICIAL),
    ("협치추진단", "추진단장", OFFICIAL),
    (ADMIN_DEPT, "협치조정관", OFFICIAL),
)
# seed: the 조정관 is active in 6 bodies, "운영초기 또는 전략사업의 경우 ... 워킹그룹에서 활동".
COORDINATOR_BODIES = (STEERING_ID, "W01", "W02", "W04", "T01")
OFFICERS_ON_EDUCATION_TFT = 8  # officials of the first working groups also on T02
EDUCATION_TFT = "T02"
ORDINANCE_TF = "T03"  # the successor 구의원 who sits on more than the council
ENVIRONMENT_TFT = "T04"
ENVIRONMENT_SUBCOMMITTEE = "B05"


# --------------------------------------------------------------------------- people and seats

@dataclass
class Person:
    id: str
    name: str
    category: str  # 구분
    status: str  # 신분
    affiliation: str
    position: str
    sex: str
    birth_year: int
    phone: str
    target: int  # number of bodies on REFERENCE_DAY
    appointed: date | None = None
    dismissed: date | None = None
    dismissal_reason: str | None = None


@dataclass
class Seat:
    person: str
    body: str
    role: str | None = None
    start: date | None = None
    end: date | None = None

    def active_on(self, day: date, people: dict[str, Person]) -> bool:
        dismissed = people[self.person].dismissed
        return (self.start <= day and (self.end is None or day <= self.end)
                and (dismissed is None or day < dismissed))


SURNAMES = ("김이박최정강조윤장임한오서신권황안송류홍전고문양손배백허남심노하곽성"
            "차주우구민유나진지엄채원천방공현함변염여추도소석선설마길연위표명기반왕"
            "금옥육인맹제모탁국어은편용")
GIVEN_NAMES = (
    "가람", "나래", "다온", "라온", "마루", "보람", "새롬", "아름", "하늘", "한결", "누리", "다솜",
    "이슬", "초롱", "한별", "가온", "도담", "로운", "미르", "소담", "윤슬", "예솔", "해솔", "단비",
    "나린", "그루", "은별", "하람", "슬기", "여름", "겨레", "힘찬", "빛나", "아라", "바름", "새봄",
)
CIVIC_GROUPS = (
    "홍제동 주민자치회", "연희동 주민자치회", "북가좌동 주민자치회", "남가좌동 주민자치회",
    "천연동 주민자치회", "홍은동 주민자치회", "북아현동 주민자치회", "창천동 주민자치회",
    "마을공동체 네트워크", "청년 활동가 모임", "작은도서관 협의회", "홍제천 지킴이",
    "아파트 공동체 모임", "학부모 모임", "에너지자립마을 모임", "사회적협동조합 모임",
    "마을 밥상 협동조합", "대학 환경동아리", "장애인 자립 모임", "마을 놀이터 모임",
)
CIVIC_POSITIONS = ("대표", "활동가", "회원", "주민", "사무국장", "이사")


class PersonFactory:
    """Hands out P001, P002, ... with fictional names, fake phones and seeded demographics."""

    def __init__(self, names: Iterator[str]) -> None:
        self._names = names
        self._rng = random.Random(f"{SEED}-people")
        self.people: list[Person] = []

    def new(self, category: str, status: str, affiliation: str, position: str, target: int,
            appointed: date | None = None, birth_years: tuple[int, int] = (1955, 1995)) -> Person:
        number = len(self.people) + 1
        person = Person(
            id=f"P{number:03d}", name=next(self._names), category=category, status=status,
            affiliation=affiliation, position=position, sex=self._rng.choice("남여"),
            birth_year=self._rng.randint(*birth_years), phone=f"010-0000-{number:04d}",
            target=target, appointed=appointed)
        self.people.append(person)
        return person

    def civilian(self, target: int, appointed: date | None = None,
                 position: str | None = None) -> Person:
        return self.new(APPOINTED, CIVILIAN, self._rng.choice(CIVIC_GROUPS),
                        position or self._rng.choice(CIVIC_POSITIONS), target, appointed)


def fictional_names() -> Iterator[str]:
    """Every surname + pure-Korean given name pair once, in a seeded order."""
    names = [s + g for s in SURNAMES for g in GIVEN_NAMES]
    random.Random(f"{SEED}-names").shuffle(names)
    return iter(names)


def council_seat(person: Person, role: str = "위원", start: date = COUNCIL_TERM_START,
                 end: date | None = None) -> Seat:
    return Seat(person.id, COUNCIL_ID, role, start, end)


def build_council(factory: PersonFactory) -> list[Seat]:
    """The council's 50 (+2 who left) members and their structural seats."""
    return (seat_ex_officio(factory) + seat_council_civilians(factory)
            + seat_councillors(factory))


def seat_ex_officio(factory: PersonFactory) -> list[Seat]:
    """당연직: the 구청장 co-chairs; the 협치조정관 also sits in COORDINATOR_BODIES."""
    members = [factory.new(EX_OFFICIO, status, affiliation, position, 1, birth_years=(1958, 1970))
               for affiliation, position, status in EX_OFFICIO_SEATS]
    mayor, coordinator = members[0], members[-1]
    coordinator.target = 1 + len(COORDINATOR_BODIES)
    seats = [council_seat(p, "의장" if p is mayor else "위원") for p in members]
    seats += [Seat(coordinator.id, body, "위원" if body == STEERING_ID else "행정")
              for body in COORDINATOR_BODIES]
    return seats


def seat_council_civilians(factory: PersonFactory) -> list[Seat]:
    """위촉직 민간: the co-chair, the 분과장, the TF leads and the rest, with their fixed seats."""
    chair = factory.civilian(CHAIR_TARGET, COUNCIL_TERM_START, "대표")
    seats = [council_seat(chair, "의장"), Seat(chair.id, STEERING_ID, "위원장")]

    heads = {b.id: factory.civilian(SUBCOMMITTEE_HEAD_TARGETS[b.id], COUNCIL_TERM_START, "대표")
             for b in SUBCOMMITTEES}
    for sub, head in heads.items():
        seats += [council_seat(head), Seat(head.id, STEERING_ID, "위원"),
                  Seat(head.id, sub, "분과장")]
        fixed = 3 + (sub == ENVIRONMENT_SUBCOMMITTEE)  # council, steering, 분과 (+ T04)
        own_groups = [w.id for w in WORKING_GROUPS if w.parent == sub]
        room = min(head.target - fixed, MAX_HEAD_WORKING_GROUPS)
        seats += [Seat(head.id, w) for w in own_groups[:room]]
    seats.append(Seat(heads[ENVIRONMENT_SUBCOMMITTEE].id, ENVIRONMENT_TFT, "리더"))

    for taskforce, target in TASKFORCE_HEAD_TARGETS.items():
        lead = factory.civilian(target, COUNCIL_TERM_START)
        seats += [council_seat(lead), Seat(lead.id, STEERING_ID, "위원"),
                  Seat(lead.id, taskforce, "리더")]
    for target in STEERING_MEMBER_TARGETS:
        member = factory.civilian(target, COUNCIL_TERM_START)
        seats += [council_seat(member), Seat(member.id, STEERING_ID, "위원")]
    for target in OTHER_COUNCIL_CIVILIAN_TARGETS:
        seats.append(council_seat(factory.civilian(target, COUNCIL_TERM_START)))
    return seats


def seat_councillors(factory: PersonFactory) -> list[Seat]:
    """위촉직 시·구의원: two 시의원, two 구의원 who left in 2020-12 and their two successors."""
    def councillor(status: str, target: int, appointed: date) -> Person:
        assembly = "서울특별시의회" if status == CITY_COUNCILLOR else "서대문구의회"
        return factory.new(APPOINTED, status, assembly, status, target, appointed, (1955, 1980))

    seats = [council_seat(councillor(CITY_COUNCILLOR, 1, COUNCIL_TERM_START)) for _ in range(2)]
    for _ in range(2):  # replaced between the 13th and 14th meetings
        left = councillor(DISTRICT_COUNCILLOR, 0, COUNCIL_TERM_START)
        left.dismissed, left.dismissal_reason = LEFT_COUNCIL_DISMISSED, LEFT_COUNCIL_REASON
        seats.append(council_seat(left, end=LEFT_COUNCIL_LAST_DAY))
    only_council = councillor(DISTRICT_COUNCILLOR, 1, SUCCESSORS_START)
    on_ordinance_tf = councillor(DISTRICT_COUNCILLOR, 2, SUCCESSORS_START)
    seats += [council_seat(only_council, start=SUCCESSORS_START),
              council_seat(on_ordinance_tf, start=SUCCESSORS_START),
              Seat(on_ordinance_tf.id, ORDINANCE_TF, "위원")]
    return seats


def build_officers(factory: PersonFactory) -> list[Seat]:
    """One official of the 담당부서 per working group, the first few also on the education TFT."""
    seats: list[Seat] = []
    for index, group in enumerate(WORKING_GROUPS):
        on_tft = index < OFFICERS_ON_EDUCATION_TFT
        officer = factory.new(EX_OFFICIO, OFFICIAL, group.dept, "주무관", 1 + on_tft,
                              birth_years=(1970, 1995))
        seats.append(Seat(officer.id, group.id, "행정"))
        if on_tft:
            seats.append(Seat(officer.id, EDUCATION_TFT, "행정"))
    return seats


def add_free_civilians(factory: PersonFactory) -> None:
    """The remaining 민간, with the activity counts the district table still lacks."""
    placed = Counter(p.target for p in factory.people if p.dismissed is None)
    missing = Counter(DISTRICT_DISTRIBUTION)
    missing.subtract(placed)
    require(all(n >= 0 for n in missing.values()),
            f"more people placed than the seed has: {dict(missing)}")
    targets = sorted(missing.elements(), reverse=True)
    random.Random(f"{SEED}-targets").shuffle(targets)
    for target in targets:
        factory.civilian(target)


def heads_keep_out(seats: list[Seat]) -> dict[str, set[str]]:
    """Own working groups a 분과장 must not join: they are in at most MAX_HEAD_WORKING_GROUPS."""
    joined: dict[str, set[str]] = defaultdict(set)
    for seat in seats:
        joined[seat.person].add(seat.body)
    keep_out = {}
    for seat in seats:
        if seat.role == "분과장":
            own = {w.id for w in WORKING_GROUPS if w.parent == seat.body}
            if len(own & joined[seat.person]) >= MAX_HEAD_WORKING_GROUPS:
                keep_out[seat.person] = own - joined[seat.person]
    return keep_out


def fill_open_seats(people: list[Person], seats: list[Seat],
                    keep_out: dict[str, set[str]]) -> list[Seat]:
    """Give everyone the bodies still missing from their target.

    Havel-Hakimi greedy: people with the most missing seats first, each into the bodies with
    the most room left (ties by body order), never twice into one body, into at most one
    분과위원회 and never into a body of keep_out[person].
    """
    room = {b.id: b.size for b in BODIES}
    joined: dict[str, set[str]] = defaultdict(set)
    for seat in seats:
        if seat.end is None:
            room[seat.body] -= 1
            joined[seat.person].add(seat.body)
    order = {b.id: i for i, b in enumerate(BODIES)}
    subcommittees = {b.id for b in SUBCOMMITTEES}
    missing = {p.id: p.target - len(joined[p.id]) for p in people if p.dismissed is None}
    new_seats = []
    for person in sorted(missing, key=lambda p: (-missing[p], p)):
        for _ in range(missing[person]):
            in_subcommittee = bool(joined[person] & subcommittees)
            open_bodies = [b for b, r in room.items() if r > 0 and b not in joined[person]
                           and b not in keep_out.get(person, ())
                           and not (in_subcommittee and b in subcommittees)]
            require(bool(open_bodies), f"no open body left for {person}")
            body = min(open_bodies, key=lambda b: (-room[b], order[b]))
            room[body] -= 1
            joined[person].add(body)
            new_seats.append(Seat(person, body))
    return new_seats


def label_roles(seats: list[Seat], people: dict[str, Person]) -> None:
    """Roles for seats placed without one.

    Working group: its 리더 is the most active 민간 member not yet leading another group; of the
    others, the least active (then by ID) is 전문가, the next 촉진가, the rest 일반.
    Elsewhere: 위원.
    """
    leaders: set[str] = set()
    for group in WORKING_GROUPS:
        civilians = [s for s in seats if s.body == group.id and s.role is None]
        leader = min((s for s in civilians if s.person not in leaders),
                     key=lambda s: (-people[s.person].target, s.person))
        leader.role = "리더"
        leaders.add(leader.person)
        others = sorted((s for s in civilians if s is not leader),
                        key=lambda s: (people[s.person].target, s.person))
        others[0].role = "전문가"
        others[1].role = "촉진가"
        for seat in others[2:]:
            seat.role = "일반"
    for seat in seats:
        if seat.role is None:
            seat.role = "위원"


def date_seats(seats: list[Seat], people: dict[str, Person]) -> None:
    """Start dates between 2020-01-01 and 2021-02-15 for seats outside the council."""
    rng = random.Random(f"{SEED}-dates")
    for seat in sorted(seats, key=lambda s: (s.body, s.person)):
        if seat.start is None:
            earliest = max(OTHER_BODIES_FROM, people[seat.person].appointed or OTHER_BODIES_FROM)
            seat.start = earliest + timedelta(rng.randint(0, (OTHER_BODIES_UNTIL - earliest).days))


def set_appointment_dates(people: list[Person], seats: list[Seat]) -> None:
    """위촉일 of a 위촉직 outside the council: the start of their first membership."""
    first_start: dict[str, date] = {}
    for seat in seats:
        first_start[seat.person] = min(seat.start, first_start.get(seat.person, seat.start))
    for person in people:
        if person.category == APPOINTED and person.appointed is None:
            person.appointed = first_start[person.id]


# --------------------------------------------------------------------------- meetings

@dataclass(frozen=True)
class Meeting:
    body: str
    number: int  # 회차
    day: date
    mode: str
    start: time
    end: time

    @property
    def id(self) -> str:
        return f"{self.body}-{self.number}"


@dataclass
class Attendance:
    meeting: str
    person: str
    status: str
    proxy: str | None = None
    mode: str | None = None


EX_OFFICIO_GROUP = "당연직"
COUNCILLOR_GROUP = "위촉직(시·구의원)"
CIVILIAN_GROUP = "위촉직(민간)"

# seed section 4, "위원별 참석율" of the 2nd council: (attended, expected) per group.
COUNCIL_MEETINGS = (
    (Meeting("C01", 10, date(2019, 11, 20), OFFLINE, time(15), time(17)),
     {EX_OFFICIO_GROUP: (9, 11), COUNCILLOR_GROUP: (2, 4), CIVILIAN_GROUP: (33, 35)}),
    (Meeting("C01", 11, date(2020, 4, 23), OFFLINE, time(15), time(16, 30)),
     {EX_OFFICIO_GROUP: (8, 11), COUNCILLOR_GROUP: (4, 4), CIVILIAN_GROUP: (29, 35)}),
    (Meeting("C01", 12, date(2020, 9, 3), ONLINE, time(15), time(17)),
     {EX_OFFICIO_GROUP: (9, 11), COUNCILLOR_GROUP: (0, 4), CIVILIAN_GROUP: (29, 35)}),
    (Meeting("C01", 13, date(2020, 11, 25), OFFLINE, time(15), time(16, 30)),
     {EX_OFFICIO_GROUP: (5, 11), COUNCILLOR_GROUP: (0, 4), CIVILIAN_GROUP: (29, 35)}),
    # The seed prints 정원 48 overall but 4 for the 시·구의원: two 구의원 had left by then.
    (Meeting("C01", 14, date(2020, 12, 29), ONLINE, time(15), time(16, 30)),
     {EX_OFFICIO_GROUP: (7, 11), COUNCILLOR_GROUP: (0, 2), CIVILIAN_GROUP: (30, 35)}),
)

# Recent meetings so allowances and the monthly report have something to show (회차 invented).
RECENT_MEETINGS = (
    Meeting("S01", 16, date(2021, 2, 10), ONLINE, time(19), time(21, 10)),
    Meeting("S01", 17, date(2021, 3, 10), OFFLINE, time(19), time(20, 30)),
    Meeting("B01", 15, date(2021, 3, 15), OFFLINE, time(19), time(20, 30)),
    Meeting("B02", 15, date(2021, 3, 16), OFFLINE, time(19), time(20, 40)),
    Meeting("B03", 15, date(2021, 3, 17), OFFLINE, time(19), time(21, 10)),
    Meeting("B04", 15, date(2021, 3, 18), OFFLINE, time(14), time(15, 50)),
    Meeting("B05", 15, date(2021, 3, 22), OFFLINE, time(19), time(21)),
    Meeting("B06", 15, date(2021, 3, 23), OFFLINE, time(15), time(16, 40)),
    Meeting("B07", 15, date(2021, 3, 24), OFFLINE, time(10), time(11, 35)),
    Meeting("W01", 8, date(2021, 3, 5), ONLINE, time(19), time(20, 30)),
    Meeting("W03", 8, date(2021, 3, 12), OFFLINE, time(14), time(16)),
    Meeting("W12", 8, date(2021, 3, 19), OFFLINE, time(10), time(11, 30)),
    Meeting("W19", 8, date(2021, 3, 25), ONLINE, time(19, 30), time(21)),
)
ABSENCE_CYCLE = 5  # in recent meetings every fifth expected member (shifted per meeting) is absent
# Offline meetings where the last attending 민간 joined online (방식 온라인 on the 출석 row).
HYBRID_MEETINGS = {"S01-17", "B03-15"}


def members_on(body: str, day: date, seats: list[Seat], people: dict[str, Person]) -> list[str]:
    return sorted(s.person for s in seats if s.body == body and s.active_on(day, people))


def council_group(person: Person) -> str:
    if person.category == EX_OFFICIO:
        return EX_OFFICIO_GROUP
    return CIVILIAN_GROUP if person.status == CIVILIAN else COUNCILLOR_GROUP


def council_attendance(seats: list[Seat], people: dict[str, Person],
                       names: Iterator[str]) -> list[Attendance]:
    """The seed's attended counts per group, absentees rotating through each group.

    The co-chair (민간 의장) and the 협치조정관 never miss a meeting; in every meeting one 국장
    sends a deputy (seed: "해당국장 불참 시 대직자 참석"), which counts as attended.
    """
    always_there = {s.person for s in seats if s.body == COUNCIL_ID and s.role == "의장"
                    and people[s.person].status == CIVILIAN}
    always_there |= {p.id for p in people.values() if p.position == "협치조정관"}
    absences_so_far: Counter[str] = Counter()
    rows = []
    for index, (meeting, groups) in enumerate(COUNCIL_MEETINGS):
        expected = members_on(COUNCIL_ID, meeting.day, seats, people)
        absent: set[str] = set()
        for group, (attended, _) in groups.items():
            members = [p for p in expected if council_group(people[p]) == group]
            candidates = [p for p in members if p not in always_there]
            start = absences_so_far[group]
            count = len(members) - attended
            absent |= {candidates[(start + i) % len(candidates)] for i in range(count)}
            absences_so_far[group] += count
        directors = [p for p in expected if people[p].position == "국장" and p not in absent]
        deputy_for = directors[index % len(directors)]
        for person in expected:
            if person == deputy_for:
                rows.append(Attendance(meeting.id, person, PROXY,
                                       f"{next(names)}({people[person].affiliation} 소속 과장)"))
            else:
                rows.append(Attendance(meeting.id, person, ABSENT if person in absent else PRESENT))
    return rows


def recent_attendance(seats: list[Seat], people: dict[str, Person]) -> list[Attendance]:
    """About 80% attendance, deterministic by position in the member list."""
    rows = []
    for index, meeting in enumerate(RECENT_MEETINGS):
        meeting_rows = [
            Attendance(meeting.id, person,
                       ABSENT if (i + index) % ABSENCE_CYCLE == ABSENCE_CYCLE - 1 else PRESENT)
            for i, person in enumerate(members_on(meeting.body, meeting.day, seats, people))]
        if meeting.id in HYBRID_MEETINGS:
            joined_online = [r for r in meeting_rows
                             if r.status == PRESENT and people[r.person].status == CIVILIAN][-1]
            joined_online.mode = ONLINE
        rows += meeting_rows
    return rows


# --------------------------------------------------------------------------- other sheets

RATES_CHANGE = date(2021, 3, 1)  # seed: 온라인 회의참석수당 정비, applied from March 2021
RATES_FROM = date(2019, 1, 1)

# seed table "온라인 회의참석수당 정비" and the 2021 budget standard (위원회 참석비 70,000 / 초과
# 30,000; 사이버 위원회 참석비 50,000 / 초과 20,000, 2시간 이상):
# (조직유형, 역할, offline (base, extra), online before, online from 2021-03-01).
RATE_TABLE = (
    (COUNCIL, None, (70_000, 30_000), (35_000, 15_000), (50_000, 20_000)),
    (STEERING, None, (70_000, 30_000), (35_000, 15_000), (50_000, 20_000)),
    (SUBCOMMITTEE, None, (10_000, 0), (5_000, 0), (10_000, 0)),
    (WORKING_GROUP, "리더", (30_000, 0), (15_000, 0), (30_000, 0)),
    (WORKING_GROUP, "전문가", (30_000, 0), (15_000, 0), (30_000, 0)),
    (WORKING_GROUP, None, (20_000, 0), (10_000, 0), (20_000, 0)),
)

SETTINGS = (
    ("기관명", "서대문구"),
    ("담당부서", "민관협치과"),
    ("결재라인", "담당,팀장,과장"),
    ("수당지급신분", "민간"),
    ("대리출석인정", "Y"),
    ("평가대상유형", "협치회의,운영위원회,분과위원회,워킹그룹"),
)
EVALUATION_INPUT = (("4-1-3", 2), ("4-1-4", 2.5))

# seed: 제3기 협치회의 심사위원회 6명 (행정 2, 외부 4); 대표성 30, 전문성 30, 자발성 40.
CRITERIA_MAX = {"대표성": 30, "전문성": 30, "자발성": 40}
APPLICANTS = 12
JUDGES = tuple(f"심사위원{n}" for n in range(1, 7))
TIED_APPLICANTS = (3, 8)  # 0-based: A04 and A09 get the same scores, judges rotated


def rate_rows() -> list[tuple[Any, ...]]:
    """(적용시작일, 적용종료일, 조직유형, 역할, 방식, 기본료, 초과수당, 초과기준분) rows."""
    rows = []
    for kind, role, offline, online_before, online_after in RATE_TABLE:
        rows.append((RATES_FROM, None, kind, role, OFFLINE, *offline, None))
        rows.append((RATES_FROM, RATES_CHANGE - timedelta(1), kind, role, ONLINE, *online_before,
                     None))
        rows.append((RATES_CHANGE, None, kind, role, ONLINE, *online_after, None))
    return rows


def screening_rows(names: Iterator[str]) -> list[tuple[Any, ...]]:
    """One row per (applicant, judge); scores around a quality level per applicant."""
    rng = random.Random(f"{SEED}-screening")
    qualities = [0.45 + 0.04 * step for step in range(APPLICANTS)]  # spread apart: no chance ties
    rng.shuffle(qualities)
    scores = []
    for quality in qualities:
        scores.append([[max(0, min(top, round(top * quality + rng.uniform(-4, 4))))
                        for top in CRITERIA_MAX.values()] for _ in JUDGES])
    first, second = TIED_APPLICANTS
    scores[second] = scores[first][1:] + scores[first][:1]
    profiles = applicant_profiles()
    rows = []
    for index, per_judge in enumerate(scores):
        applicant_id, name = f"A{index + 1:02d}", next(names)
        rows += [(applicant_id, name, judge, *marks, *profiles[index])
                 for judge, marks in zip(JUDGES, per_judge, strict=True)]
    return rows


# seed: "협치위원의 연령별, 분야별, 지역별 안배 고려"; 협치영역 교육, 마을공동체, 지역복지, 주민자치,
# 사회적경제, 자원봉사, 도시재생, 주민참여예산, 다문화, 청년. 지역: 서대문구의 행정동 (some).
AGE_BANDS = ("20대", "30대", "40대", "50대", "60대 이상")
FIELDS = ("교육", "마을공동체", "지역복지", "주민자치", "사회적경제", "자원봉사", "도시재생",
          "주민참여예산", "다문화", "청년")
REGIONS = ("천연동", "북아현동", "신촌동", "연희동", "홍제1동", "홍은1동", "남가좌1동",
           "북가좌1동")


def applicant_profiles() -> list[tuple[str, str, str, str]]:
    """성별, 연령대, 분야, 지역 per applicant, from their own random stream (scores unchanged)."""
    rng = random.Random(f"{SEED}-applicants")
    return [(rng.choice("남여"), rng.choice(AGE_BANDS), rng.choice(FIELDS), rng.choice(REGIONS))
            for _ in range(APPLICANTS)]


# --------------------------------------------------------------------------- the book

@dataclass
class SampleBook:
    people: list[Person]
    seats: list[Seat]
    meetings: list[Meeting]
    attendance: list[Attendance]
    rates: list[tuple[Any, ...]]
    screening: list[tuple[Any, ...]]
    people_by_id: dict[str, Person] = field(init=False)

    def __post_init__(self) -> None:
        self.people_by_id = {p.id: p for p in self.people}


def build() -> SampleBook:
    names = fictional_names()
    factory = PersonFactory(names)
    seats = build_council(factory)
    seats += build_officers(factory)
    add_free_civilians(factory)
    people = factory.people
    by_id = {p.id: p for p in people}
    seats += fill_open_seats(people, seats, heads_keep_out(seats))
    seats.sort(key=lambda s: (s.person, s.body))
    label_roles(seats, by_id)
    date_seats(seats, by_id)
    set_appointment_dates(people, seats)
    meetings = [m for m, _ in COUNCIL_MEETINGS] + list(RECENT_MEETINGS)
    attendance = council_attendance(seats, by_id, names) + recent_attendance(seats, by_id)
    book = SampleBook(people, seats, meetings, attendance, rate_rows(), screening_rows(names))
    check_targets(book)
    return book


# --------------------------------------------------------------------------- self-check

def activity_counts(book: SampleBook, day: date, people: Iterable[str] | None = None) -> Counter:
    """Number of people per count of distinct bodies they are active in on `day`."""
    bodies: dict[str, set[str]] = defaultdict(set)
    for seat in book.seats:
        if seat.active_on(day, book.people_by_id):
            bodies[seat.person].add(seat.body)
    chosen = bodies.keys() if people is None else people
    return Counter(len(bodies[p]) for p in chosen)


def check_targets(book: SampleBook) -> None:
    """Refuse a book that misses any figure of the seed (raises BuildError)."""
    people, day = book.people_by_id, REFERENCE_DAY
    active = [s for s in book.seats if s.active_on(day, people)]
    per_body = Counter(s.body for s in active)
    for body in BODIES:
        require(per_body[body.id] == body.size, f"{body.id}: {per_body[body.id]} != {body.size}")
    kinds = {b.id: b.type for b in BODIES}
    per_type = Counter(kinds[s.body] for s in active)
    require(dict(per_type) == SEATS_BY_TYPE, f"seats per type {dict(per_type)}")

    expected = Counter({k: v for k, v in DISTRICT_DISTRIBUTION.items() if v})
    require(activity_counts(book, day) == expected, "district overlap distribution")
    require(len(book.people) == sum(DISTRICT_DISTRIBUTION.values()) + 2, "위원 rows")

    council = members_on(COUNCIL_ID, day, book.seats, people)
    by_category = {cat: [p for p in council if people[p].category == cat]
                   for cat in (EX_OFFICIO, APPOINTED)}
    require(activity_counts(book, day, by_category[EX_OFFICIO])
            == Counter(COUNCIL_EX_OFFICIO_DISTRIBUTION), "council 당연직 overlap")
    require(activity_counts(book, day, by_category[APPOINTED])
            == Counter(COUNCIL_APPOINTED_DISTRIBUTION), "council 위촉직 overlap")
    statuses = Counter(people[p].status for p in by_category[APPOINTED])
    require(statuses == Counter({CIVILIAN: 35, CITY_COUNCILLOR: 2, DISTRICT_COUNCILLOR: 2}),
            f"council 위촉직 신분 {dict(statuses)}")
    require(all(people[p].status != CIVILIAN for p in by_category[EX_OFFICIO]), "당연직 민간")

    for group in WORKING_GROUPS:
        roles = [(s.role, people[s.person]) for s in active if s.body == group.id]
        require(sum(role == "리더" for role, _ in roles) == 1, f"{group.id}: one 리더")
        require(any(role == "행정" and p.status == OFFICIAL and p.affiliation == group.dept
                    for role, p in roles), f"{group.id}: an official of {group.dept}")

    check_attendance(book)
    check_rates(book.rates)
    totals = Counter()
    for applicant, _, _, *marks in book.screening:
        totals[applicant] += sum(marks[:len(CRITERIA_MAX)])
    require(sum(n - 1 for n in Counter(totals.values()).values()) == 1, "exactly one tie")


def check_attendance(book: SampleBook) -> None:
    people = book.people_by_id
    meetings = {m.id: m for m in book.meetings}
    rows: dict[str, list[Attendance]] = defaultdict(list)
    for row in book.attendance:
        rows[row.meeting].append(row)
    for meeting in book.meetings:
        expected = members_on(meeting.body, meeting.day, book.seats, people)
        require(sorted(r.person for r in rows[meeting.id]) == expected,
                f"{meeting.id}: one row per expected member")
    for meeting, groups in COUNCIL_MEETINGS:
        for group, (attended, size) in groups.items():
            in_group = [r for r in rows[meeting.id] if council_group(people[r.person]) == group]
            came = sum(r.status in (PRESENT, PROXY) for r in in_group)
            require((came, len(in_group)) == (attended, size), f"{meeting.id} {group}")
        proxies = [r for r in rows[meeting.id] if r.status == PROXY]
        require(len(proxies) == 1 and people[proxies[0].person].position == "국장",
                f"{meeting.id}: one 국장's deputy")
    require(all(r.meeting in meetings for r in book.attendance), "unknown meeting")


def check_rates(rates: list[tuple[Any, ...]]) -> None:
    periods: dict[tuple[Any, ...], list[tuple[date, date]]] = defaultdict(list)
    for start, end, kind, role, mode, *_ in rates:
        periods[(kind, role, mode)].append((start, end or date.max))
    for key, spans in periods.items():
        spans.sort()
        require(all(a[1] < b[0] for a, b in pairwise(spans)), f"overlapping rates {key}")


# --------------------------------------------------------------------------- writing

DATE_FORMAT, TIME_FORMAT, MONEY_FORMAT = "yyyy-mm-dd", "hh:mm", "#,##0"
COLUMN_FORMATS = {
    **dict.fromkeys(("위촉일", "해촉일", "시작일", "종료일", "일자", "적용시작일", "적용종료일",
                     "임기종료일"),
                    DATE_FORMAT),
    "시작시각": TIME_FORMAT, "종료시각": TIME_FORMAT,
    "기본료": MONEY_FORMAT, "초과수당": MONEY_FORMAT,
}
MIN_WIDTH, MAX_WIDTH = 6, 48


def sheet_tables(book: SampleBook) -> dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]]:
    """Sheet name -> (header, rows), in the contract's column order."""
    bodies = [(b.id, b.name, b.type, b.parent, b.dept, b.size, b.term, b.term_end)
              for b in BODIES]
    people = [(p.id, p.name, p.category, p.status, p.affiliation, p.position, p.sex,
               p.birth_year, p.appointed if p.category == APPOINTED else None, p.dismissed,
               p.dismissal_reason, p.phone) for p in book.people]
    seats = [(s.person, s.body, s.role, s.start, s.end) for s in book.seats]
    meetings = [(m.id, m.body, m.number, m.day, m.mode, m.start, m.end) for m in book.meetings]
    attendance = [(a.meeting, a.person, a.status, a.proxy, a.mode) for a in book.attendance]
    return {
        "위원": (("위원ID", "성명", "구분", "신분", "소속", "직위", "성별", "출생연도", "위촉일",
                  "해촉일", "해촉사유", "연락처"), people),
        "조직": (("조직ID", "조직명", "유형", "상위조직ID", "담당부서", "정원", "기수", "임기종료일"),
                 bodies),
        "활동": (("위원ID", "조직ID", "역할", "시작일", "종료일"), seats),
        "회의": (("회의ID", "조직ID", "회차", "일자", "방식", "시작시각", "종료시각"), meetings),
        "출석": (("회의ID", "위원ID", "출석", "대리인", "방식"), attendance),
        "수당기준": (("적용시작일", "적용종료일", "조직유형", "역할", "방식", "기본료", "초과수당",
                     "초과기준분"), book.rates),
        "설정": (("항목", "값"), list(SETTINGS)),
        "평가입력": (("항목", "점수"), list(EVALUATION_INPUT)),
        "심사": (("신청자ID", "성명", "심사위원", *CRITERIA_MAX, "성별", "연령대", "분야", "지역"),
                 book.screening),
    }


def display_width(value: Any, number_format: str | None) -> int:
    """Roughly how many character cells Excel needs (Hangul counts double)."""
    if value is None:
        return 0
    text = number_format if number_format in (DATE_FORMAT, TIME_FORMAT) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_sheet(workbook: Workbook, name: str, header: tuple[str, ...],
                rows: list[tuple[Any, ...]]) -> None:
    sheet = workbook.create_sheet(name)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column, title in zip(sheet.iter_cols(min_row=1), header, strict=True):
        number_format = COLUMN_FORMATS.get(title)
        if number_format:
            for cell in column[1:]:
                cell.number_format = number_format
        width = max(display_width(c.value, number_format if c.row > 1 else None) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(
            max(width + 2, MIN_WIDTH), MAX_WIDTH)


# openpyxl writes its default font's children out of the schema's order (CT_Font: sz before
# color before name, family, scheme); Microsoft's validator reports it. Written in order here.
OPENPYXL_DEFAULT_FONT = (b'<font><name val="Calibri" /><family val="2" /><color theme="1" />'
                         b'<sz val="11" /><scheme val="minor" /></font>')
SCHEMA_ORDER_FONT = (b'<font><sz val="11" /><color theme="1" /><name val="Calibri" />'
                     b'<family val="2" /><scheme val="minor" /></font>')


def save_reproducibly(workbook: Workbook, path: Path) -> None:
    """Save with fixed document properties and zip timestamps: same input, same bytes."""
    workbook.properties.created = workbook.properties.modified = BOOK_TIMESTAMP
    raw = io.BytesIO()
    ExcelWriter(workbook, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=BOOK_TIMESTAMP.timetuple()[:6])
            fixed.external_attr = entry.external_attr
            data = source.read(entry.filename)
            if entry.filename == "xl/styles.xml":
                if OPENPYXL_DEFAULT_FONT not in data:
                    print("build_sample: openpyxl's default font changed; check "
                          "xl/styles.xml with ooxml-validate", file=sys.stderr)
                    raise SystemExit(2)
                data = data.replace(OPENPYXL_DEFAULT_FONT, SCHEMA_ORDER_FONT)
            target.writestr(fixed, data, zipfile.ZIP_DEFLATED)


def write_book(book: SampleBook, path: Path) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, (header, rows) in sheet_tables(book).items():
        write_sheet(workbook, name, header, rows)
    save_reproducibly(workbook, path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the .xlsx")
    args = parser.parse_args(argv)
    book = build()
    write_book(book, args.out)
    print(f"{args.out}: {len(book.people)} 위원, {len(book.seats)} 활동, "
          f"{len(book.meetings)} 회의, {len(book.attendance)} 출석")


if __name__ == "__main__":
    main()
