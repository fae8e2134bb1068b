"""Hand-written cue phrases per category and dimension, from the taxonomy's signals.

The linear model learns from the corpus; these cues give it features that generalise
beyond the corpus's wording (spacing and spelling variants are in the patterns). A cue
followed by a negation ("끊김은 없는데") becomes a separate negated feature, so the
model can learn that it counts against the category.
"""

from __future__ import annotations

import re

_CUES: dict[str, str] = {
    "outage": r"끊[기겨김긴길겼어]|끊어[지져졌]|먹통|안\s?터[지져짐]|터지지\s?않|안\s?잡[혀히]|신호[가가\s]*(없|안)|"
              r"불통|통신\s?장애|통화\s?장애|접속(이|이\s)?\s?안|연결(이)?\s?(안\s?[되돼됨]|끊)|장애|인터넷(이)?\s?안\s?[되돼]|"
              r"수신(이)?\s?안|서비스\s?안\s?됨|no\s?service|먹통|다운[되됐]|마비",
    "speed": r"느[리려림린릴렸]|속도|버퍼링|렉|랙|품질\s?저하|최저\s?보장|끊김\s?없이\s?느|로딩|핑(이)?\s?(높|튀)|"
             r"화질|음질|지직|잡음|mbps|메가\s?밖에|기가(인데|라면서)|답답하게\s?느",
    "repair_visit": r"as(?![a-z])|a/s|에이에스|출동|기사(님|분|가|는|님이)?|방문|설치\s?(기사|일정|지연|날짜)|수리\s?(기사|접수|일정)|"
                    r"내일\s?(가겠|방문|간다)|점검\s?(나오|오|방문)|엔지니어|개통\s?(지연|기사)|이전\s?설치",
    "billing": r"요금(이|을|은)?\s?(폭탄|과다|이상|더|두\s?배|많이|왜)|과다\s?청구|부당\s?청구|이중\s?청구|청구(서|액|됐|되)|"
               r"요금\s?폭탄|부가\s?서비스|소액\s?결제|가입비|할인(이)?\s?(안|빠|누락)|나갔|빠져\s?나|결제\s?됐|"
               r"청구|명세서|고지서|요금제\s?(변경|바뀌)|몰래\s?가입",
    "payment": r"납부|결제\s?(오류|실패|안|가\s?안)|자동\s?이체|계좌\s?이체|연체|미납|정지\s?(예정|문자|통보)|"
               r"카드\s?(결제|등록)|수납|입금|가상\s?계좌|이용\s?정지|요금\s?(을|를)?\s?(못|낼\s?수)|내고\s?싶",
    "contact_center": r"고객\s?센터|114(?!\d)|콜\s?센터|상담원\s?연결|연결(이)?\s?(안|되지|어려)|대기\s?(시간|만|중|인원)|"
                      r"통화량(이)?\s?많|ars|보이는\s?ars|챗봇|콜백|전화(를)?\s?(안\s?받|끊|끊어|받지)|기다리|"
                      r"연결음|상담\s?(대기|연결)|전화\s?연결",
    "agent_conduct": r"불친절|짜증|무시|통화\s?거부|배짱|반말|비꼬|언성|소리를?\s?지르|무례|태도|성의\s?없|귀찮|"
                     r"한숨|훈계|막말|말투|툭\s?끊|강요|압박|응대",
    "misinformation": r"잘못\s?(안내|알려|말)|안내(한|받은|대로|와\s?다|랑\s?다|가\s?틀)|모르는\s?상담원|엉뚱|"
                      r"말이\s?(다르|바뀌|틀)|다르게\s?(안내|말)|거짓|허위|틀린|사실과\s?다|설명(이)?\s?(없|부족|달라)|"
                      r"상품(을|도)?\s?(모르|몰라)|아무도\s?모르|고지(를|도)?\s?(안|없|하지)",
    "runaround": r"돌리|떠넘|뺑뺑이|다른\s?부서|담당\s?부서|부서(로|에)?\s?(넘|연결|돌)|단말기\s?(문제|탓)|"
                 r"고객\s?(탓|책임)|전산상|이상\s?없(다|음|습니다)|몇\s?(달|개월)째|책임\s?회피|핑퐁|"
                 r"계속\s?같은|또\s?(전화|연락)|몇\s?번(을|이나|째)|(세|네|다섯|열)\s?번(이나|째)|이관",
    "broken_promise": r"약속|준다더니|해준다더니|한다더니|준다고\s?(해|하)|연락\s?(준다|주겠|드리겠)|해놓고|"
                      r"안\s?(왔|와|오)|오지\s?않|감감\s?무소식|지키지|말만|기다렸는데|사은품|상품권|무료로\s?(준|해)",
    "contract": r"해지|위약금|약정|번호\s?이동|가입|명의\s?변경|해약|계약|할부|기기\s?변경|재약정|해지\s?방어|"
                r"결합|이전\s?신청|청약\s?철회|철회",
    "service_change": r"서비스\s?종료|2g\s?종료|3g\s?종료|종료\s?(된|되|예정|한다)|강제\s?(전환|변경|해지)|전환|"
                      r"단종|폐지|중단|와이브로|요금제\s?(폐지|없어|종료)|마이그레이션|일방적\s?(변경|종료)",
    "compensation": r"보상|배상|환불|손해|감면|위로금|피해\s?구제|돌려|반환|깎아|요금\s?감면|크레딧|보전",
    "privacy": r"주민\s?(등록\s?)?번호|개인\s?정보|유출|명의\s?도용|도용|해킹|유심\s?(해킹|복제|정보)|신분증|"
               r"뒷자리|생년월일|본인\s?확인|크게\s?(불러|말)|큰\s?소리로|정보\s?보호|스미싱|사칭",
    "unwanted_contact": r"텔레\s?마케팅|tm(?![a-z])|광고\s?(문자|전화)|스팸|계속\s?(전화|연락|문자)|밤에\s?(전화|연락)|"
                        r"(밤|저녁)\s?\d{1,2}시(에|가\s?넘어|\s?넘어)?\s?(전화|연락)|새벽에?\s?(전화|문자)|수신\s?거부|"
                        r"마케팅|홍보\s?(문자|전화)|권유\s?전화|하루에\s?(몇|\d)\s?(번|통)|전화\s?좀\s?그만|영업\s?전화",
    "device": r"단말기|휴대폰\s?(고장|불량|결함|수리)|모뎀|셋[톱탑]\s?박스|공유기|기기\s?(결함|고장|불량|문제)|"
              r"액정|배터리|발열|재부팅|유심\s?(불량|인식)|ont(?![a-z])|라우터|리퍼|불량\s?(폰|기기)|초기\s?불량|갤럭시|아이폰",
    "_churn_risk": r"해지\s?(하겠|할\s?거|할\s?까|할래|합니다|하려|각)|(통신사|회사)\s?(를|를\s?)?\s?(바꾸|옮기|갈아타)\s?(겠|려|야|고\s?싶|ㄹ까|을까)|"
                   r"번호\s?이동\s?(하겠|할\s?거|알아보|고민|할까)|다시는\s?안|두\s?번\s?다시|이제\s?안\s?써|"
                   r"갈아\s?(탈|타야|타려|탈까|타겠|타야겠)|떠나겠|끊어\s?버리|다른\s?(통신사|회사|데)\s?(로|알아)|"
                   r"(다른|타)\s?(통신사|회사|곳|데|업체)\s?(로|으로)?\s?(옮기|바꾸|갈아|이동|넘어가|가겠|갈\s?거|갈래)|"
                   r"타사\s?(로|으로)?\s?(옮기|이동|가)|(옮기|바꾸)겠습니다|(옮길|바꿀|갈아탈)\s?(거|생각|예정|계획)",
    "_churn_done": r"(갈아\s?탔|옮겼|바꿨|해지\s?했|해지\s?완료|해지함|번호\s?이동\s?했|번호\s?이동\s?완료|넘어\s?왔|넘어\s?갔|"
                   r"탈출\s?했|해지\s?하고\s?(왔|나왔)|이동\s?했어|떠났)",
    "_question": r"\?|궁금|어떻게\s?(하나요|해야|하면|되나요)|알려\s?주세요|방법|문의(드립|합니다)|가능한가요|있나요|될까요|인가요",
    "_praise": r"감사(합니다|드립|해요)|고맙|친절(하|했|히)|만족|칭찬|최고|빠르게\s?(해결|처리)|덕분|좋아(요|졌)",
    "_anger": r"ㅅㅂ|시발|씨발|ㅆㅂ|개같|개새|미친|빡치|빡쳐|열받|화나|화가\s?(나|납)|어이(가)?\s?없|어의\s?없|"
              r"짜증|ㅡㅡ|;;|장난\s?(하|치)|!!|참다\s?참다|뭐\s?하는|도둑|사기|양아치|쓰레기|최악",
}
_NEGATION_AFTER = re.compile(r"[가-힣]{0,3}\s?(은|는|도)?\s?(전혀\s?)?(없|아니|않)")
CUE_NAMES = tuple(name.lstrip("_") for name in _CUES)


def cue_matches(text: str) -> list[tuple[str, int, bool]]:
    """(name, offset, negated) for every cue; negated when a negation follows it.

    Each name has its own pattern and pass: cues of different names overlap
    ("해지" is contract, "해지하겠다" also churn risk), which one alternation would hide.
    """
    found: list[tuple[str, int, bool]] = []
    lowered = text.lower()
    for name, pattern in _SEPARATE:
        for match in pattern.finditer(lowered):
            start = match.start()
            # ASCII cues ("as", "tm", "114") must not be the middle of a longer word or number;
            # checked here because a look-behind in the pattern makes the whole scan ~5x slower.
            if start and lowered[start].isascii() and lowered[start - 1].isascii() and lowered[start - 1].isalnum():
                continue
            negated = _NEGATION_AFTER.match(lowered, match.end(), match.end() + 12) is not None
            found.append((name, start, negated))
    return found


_SEPARATE = [(name.lstrip("_"), re.compile(pattern, re.I)) for name, pattern in _CUES.items()]
