"""Reference fields learned from data: a CRF labels each token of one reference string (author, title,
container, volume, issue, pages, year, publisher, place, doi, url, editor, note, or O for the punctuation
between fields), and the fields are the labelled stretches.

Features are the token's own (lower-cased word, shape, dictionaries of given names, months, journal,
publisher and place words in French and English, made here), its place in the string (tenth of the
string, how many sentence stops and years came before it, inside quotes or brackets, after a closed quote,
after "In"/"Dans" and after an editor mark) and its neighbours' words and shapes. The weights are fitted by
`pipeline.train.reference_fields` on GROBID's citation corpus and the Érudit development entries whose fields
their typography fixes, and ship as `pipeline/data/reference_fields.crfsuite`, opened once per process.

Authors are split into persons (family, given) by rules on the author stretch only (`persons`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

from pipeline.extract.header import fold, known_given

MODEL_FILE = "data/reference_fields.crfsuite"
LABELS = ("author", "title", "container", "volume", "issue", "pages", "year", "publisher", "place", "doi", "url",
          "editor", "note")

TOKEN_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"]+|\b10\.\d{4,9}/[^\s\",;]+|[^\W\d_]+(?:['’][^\W\d_]+)*|\d+|\S"
)
YEAR_RE = re.compile(r"^(?:1[5-9]\d\d|20[0-3]\d)$")


# Given names, folded as the header model folds names (`header.fold`: "María" and "maria" are one): French,
# English, Maghrebi, Iberian and Italian ones
GIVEN = frozenset(map(fold, """
aaron adam adrien agnès alain alan albert alexander alexandre alfred alice alison amanda amy andré andrea andreas
andrew angela anna anne annie anthony antoine antonio arthur audrey barbara benjamin benoît bernard bertrand brian
bruce bruno camille carl carlos caroline catherine cécile charles charlotte chris christian christine christophe
christopher claire claude colin cyril damien daniel david denis denise didier dominique donald dorothy douglas
edward elena elinor elisabeth élisabeth elizabeth emily emma emmanuel eric éric erik étienne eva fabien fabrice
florence françois françoise frank frédéric gabriel gary george georges gérard gilles gregory guillaume guy hans
harold harry hélène helen henri henry hugo hugues ian isabelle jack jacques james jan jane janet jason jean
jeanne jeffrey jennifer jérôme jessica joan joël john jonathan joseph josé julia julie julien karen karl kate
katherine kenneth kevin laura laurence laurent linda lisa louis louise luc lucie luis marc marcel margaret maria
marie marion mark martin mary mathieu matthew maurice michael michel michèle monique nadia nathalie
nicolas nicole olivier pascal patricia patrick paul peter philippe pierre rachel raymond rené richard robert roger
ronald rose ruth samuel sandra sarah serge simon sophie stephen steven susan sylvie thierry thomas timothy valérie
véronique victor vincent virginie walter william yves
abdelaziz abdelhak abdelkader abdellah abdelmajid abdeslam ahmad ahmed amina asmae aziz brahim driss fatiha fatima
hakim hamid hamza hanane hassan hassane hicham ibrahim ilham imane jamal kamal karim karima khadija khalid lahcen
latifa leila malika mehdi meriem mohamed mohammed mostafa mounir mustapha nabil naima nawal noureddine omar rachid
rachida redouane saida samira souad soufiane youssef younes zineb
alejandro alfonso alberto alessandro ana andrés ángel antonella beatriz carmen cristina dolores eduardo enrique
fernando francesca francisco gabriela giovanni giuseppe gonzalo ignacio inés isabel javier joão joaquín jorge juan
laura lucía luca luísa manuel marco marta mercedes miguel montserrat paolo pablo pedro pilar rafael ramón ricardo
roberto rosa santiago sergio silvia sofía teresa vicente
""".split()))


@lru_cache(maxsize=65536)
def is_given(word: str) -> bool:
    """Whether `word` is a given name of the dictionary (GIVEN), accents and case aside."""
    return fold(word) in GIVEN


MONTHS = frozenset("""
january february march april may june july august september october november december jan feb mar apr jun jul
aug sep sept oct nov dec janvier février fevrier mars avril mai juin juillet août aout septembre octobre novembre
décembre decembre janv févr avr juil déc spring summer autumn fall winter printemps été automne hiver
""".split())
JOURNAL_WORDS = frozenset("""
journal journ j revue rev review reviews proceedings proc conference conf symposium workshop acta annals annales
ann bulletin bull cahiers cah transactions trans letters lett quarterly studies stud economics econ economy
économie sociology sociologie sociological science sciences sci phys physical physics chem chemistry soc society
société research res management manag international int american am nature newsletter magazine gazette mémoires
archives arch notes reports rep recherches recherche politique sociales social travail affairs policy public
medicine med clinical clin biol biology mathematical math mathematics applied appl theory theoretical quart
astrophys astrophysical nucl nuclear rendus comptes mod opt psychology psychol history histoire géographie
""".split())
PUBLISHER_WORDS = frozenset("""
press presses university univ université universitaires universitaire éditions editions edition publishers
publishing publications verlag springer wiley elsevier routledge sage gallimard seuil puf harmattan dunod academic
books book kluwer pergamon blackwell mcgraw hill prentice penguin macmillan karthala economica vuibert boeck
découverte colin institute institut inc ltd co
""".split())
PLACE_WORDS = frozenset("""
paris londres london new york montréal montreal québec quebec cambridge oxford bruxelles brussels genève geneva
lyon rennes grenoble toulouse bordeaux lille marseille berlin boston chicago amsterdam ottawa louvain dordrecht
heidelberg princeton berkeley washington toronto tokyo moscow leipzig philadelphia singapore basel zurich
""".split())
EDITOR_WORDS = frozenset("ed eds éd éds editor editors edited dir coord sous direction hrsg".split())
IN_WORDS = frozenset("in dans".split())
PAGE_WORDS = frozenset("p pp pages page s".split())
VOL_WORDS = frozenset("vol volume vols tome t bd".split())
ISSUE_WORDS = frozenset("no n nº num numéro number issue nr".split())
QUOTES_OPEN, QUOTES_CLOSE = "«“‘", "»”’"
INITIAL_RE = re.compile(r"^[A-ZÀ-Ý]$")


def tokens(text: str) -> list[tuple[int, int]]:
    """(start, end) of every token: a URL or DOI whole, a word, a run of digits, one other character."""
    return [m.span() for m in TOKEN_RE.finditer(text)]


def _shape(w: str) -> str:
    if w[0].isdigit():
        if YEAR_RE.match(w):
            return "year"
        return "d" + str(min(len(w), 4))
    if len(w) > 4 and (w.startswith(("http", "www.")) or w.startswith("10.") and "/" in w):
        return "web"
    if w[0].isalpha():
        if len(w) == 1:
            return "Init" if w.isupper() else "x1"
        if w.isupper():
            return "CAPS"
        if w[0].isupper():
            return "Cap"
        return "low" if w.islower() else "mixed"
    return "p" + w


def _word_features(w: str) -> list[str]:
    low = w.lower()
    shape = _shape(w)
    feats = ["w=" + (low if shape != "web" else "<web>"), "sh=" + shape]
    if w.isalpha():
        feats.append("len=" + str(min(len(w), 8)))
        feats.append("suf=" + low[-3:])
    if is_given(w):
        feats.append("given")
    for name, words in (("month", MONTHS), ("jword", JOURNAL_WORDS), ("pubword", PUBLISHER_WORDS),
                        ("place", PLACE_WORDS), ("edword", EDITOR_WORDS), ("inword", IN_WORDS),
                        ("pageword", PAGE_WORDS), ("volword", VOL_WORDS), ("issueword", ISSUE_WORDS)):
        if low in words:
            feats.append(name)
    return feats


def features(text: str, spans: list[tuple[int, int]]) -> list[list[str]]:
    """The CRF's features of each token of `text`."""
    words = [text[a:b] for a, b in spans]
    own = [_word_features(w) for w in words]
    shapes = [f[1][3:] for f in own]
    lows = [f[0][2:] for f in own]
    n = len(words)
    digit_at = [i for i, sh in enumerate(shapes) if sh[0] == "d" or sh == "year"]
    glued = [i > 0 and spans[i][0] == spans[i - 1][1] for i in range(n)]  # no space before the token
    out: list[list[str]] = []
    nxt = 0
    stops = years = commas = 0
    quote = paren = closed = after_in = after_ed = 0
    for i, w in enumerate(words):
        f = list(own[i])
        f.append("pos=" + str(10 * i // max(n, 1)))
        f.append("stops=" + str(min(stops, 5)))
        f.append("years=" + str(min(years, 2)))
        f.append("commas=" + str(min(commas, 6)))
        if quote:
            f.append("inquote")
        elif closed:
            f.append("afterquote")  # a quoted title has closed: what follows is its journal or book
        if after_in:
            f.append("afterin")  # after "In" / ", dans": a book's editors, then the book
        if after_ed:
            f.append("aftered")  # after "(dir.)", "eds.": the book's title
        if paren:
            f.append("inparen")
        if glued[i]:
            f.append("glued")
        while nxt < len(digit_at) and digit_at[nxt] <= i:
            nxt += 1
        f.append("todigit=" + (str(min(digit_at[nxt] - i, 6)) if nxt < len(digit_at) else "none"))
        if i + 1 < n and words[i + 1] == "." and w[:1].isupper() and len(w) <= 6:
            f.append("abbr")
        if i > 0:
            f.append("w-1|w=" + lows[i - 1] + "|" + lows[i])
        if i + 1 < n:
            f.append("w|w+1=" + lows[i] + "|" + lows[i + 1])
        for k in (-3, 3):
            if 0 <= i + k < n:
                f.append(f"w[{k}]=" + lows[i + k])
        for k in (-2, -1, 1, 2):
            j = i + k
            if 0 <= j < n:
                f.append(f"w[{k}]=" + lows[j])
                f.append(f"sh[{k}]=" + shapes[j])
            else:
                f.append(f"w[{k}]=<edge>")
        if i > 0:
            f.append("sh-1|sh=" + shapes[i - 1] + "|" + shapes[i])
        if i + 1 < n:
            f.append("sh|sh+1=" + shapes[i] + "|" + shapes[i + 1])
        out.append(f)
        if w == "." and not (i > 0 and (INITIAL_RE.match(words[i - 1]) or len(words[i - 1]) <= 3 and words[i - 1].isalpha())):
            stops += 1
        elif w in "?!:":
            stops += w != ":"
        elif w == ",":
            commas += 1
        if shapes[i] == "year":
            years += 1
        # a straight single quote glued to the word after it and not to the one before opens a quotation ("Smith,
        # J. 'A title.' Journal"), one glued to the word before closes it; an apostrophe is inside its word's token
        if not quote and (w in QUOTES_OPEN or w == '"' or w == "'" and i + 1 < n and glued[i + 1] and not glued[i]):
            quote = 1
        elif quote and (w in QUOTES_CLOSE or w == '"' or w == "'" and glued[i]):
            quote, closed = 0, 1
        if lows[i] in IN_WORDS and i > 0 and (w[0].isupper() or words[i - 1] in ".,;:)»”"):
            after_in = 1
        if after_in and lows[i] in EDITOR_WORDS:
            after_ed = 1
        if w in "([":
            paren += 1
        elif w in ")]" and paren:
            paren -= 1
    return out


@lru_cache(maxsize=1)
def _tagger():
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    with resources.as_file(resources.files("pipeline").joinpath(MODEL_FILE)) as path:
        tagger.open(str(path))
    return tagger


def label(text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of every token of one reference string."""
    spans = tokens(text)
    if not spans:
        return []
    tags = _tagger().tag(features(text, spans))
    return [(a, b, t) for (a, b), t in zip(spans, tags)]


def stretches(text: str, labelled: list[tuple[int, int, str]]) -> dict[str, str]:
    """The first stretch of each label: from a token of it to the last before another label begins (O tokens
    inside are kept), trimmed of the punctuation around it. A title, container, publisher or place of fewer than
    three letters (a stray initial "J.") gives way to the label's next stretch."""
    groups: dict[str, list[list[int]]] = {}
    current = None
    for a, b, tag in labelled:
        if tag == "O":
            continue
        if tag != current:
            groups.setdefault(tag, []).append([a, b])
            current = tag
        else:
            groups[tag][-1][1] = b
    out = {}
    for tag, spans in groups.items():
        for a, b in spans:
            close = re.match(r"\s?\)", text[b:])
            if close and text[a:b].count("(") > text[a:b].count(")"):
                b += close.end()  # "Le sens du jeu (qui a gagné ?)": the bracket the labeller left out
            value = _trim(text[a:b])
            if tag not in ("title", "container", "publisher", "place") or sum(c.isalpha() for c in value) >= 3:
                out[tag] = value
                break
        else:
            out[tag] = _trim(text[spans[0][0]:spans[0][1]])
    return out


def _trim(value: str) -> str:
    initial = re.search(r"(?:^|[\s.\-])[A-ZÀ-Ý]\.$", value.rstrip(" ,;:"))  # "Ostrom, E." keeps its point
    value = value.strip(" ,;:.") + ("." if initial else "")
    for o, c in ("()", "[]", "«»", "“”", '""'):
        if value.startswith(o) and value.endswith(c) and len(value) > 2:
            value = value[1:-1].strip(" ,;:.")
        elif value.endswith(c) and o not in value:
            value = value[:-1].rstrip(" ,;:.")
        elif value.startswith(o) and c not in value:
            value = value[1:].lstrip(" ,;:.")
    for q in "'\"":  # a straight quote left alone at one end: the other end's was outside the stretch
        if value.count(q) == 1 and (value.endswith(q) or value.startswith(q)):
            value = value.strip(q).strip(" ,;:.")
    return value


def _head_note_is_title(labelled: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """With no title found, a note that comes straight after the author and year ("LÉVESQUE, B. (2005). L’économie
    sociale au Québec. Montréal : PUQ.", "Alliance X. (2009). World Report. Available at: ...") is the title."""
    tags = [t for _a, _b, t in labelled]
    if "title" in tags or "note" not in tags:
        return labelled
    first = tags.index("note")
    before = [t for t in tags[:first] if t != "O"]
    if not before or set(before) - {"author", "year"}:
        return labelled
    end = first
    while end < len(tags) and tags[end] in ("note", "O") and not (tags[end] == "O" and end + 1 < len(tags)
                                                                    and tags[end + 1] not in ("note", "O")):
        end += 1
    return [(a, b, "title" if first <= i < end and t == "note" else t) for i, (a, b, t) in enumerate(labelled)]


def _head_publisher_is_author(text: str, labelled: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """With no author found, a publisher the labeller reads at the very start of the entry, a few name words then
    a comma and the title ("Hérault de Séchelles, Théorie de l'ambition, ..."), is the author: an entry opens
    with who wrote it (a person or a body), never with its publisher."""
    tags = [t for _a, _b, t in labelled]
    if not tags or tags[0] != "publisher" or "author" in tags or "title" not in tags:
        return labelled
    end = 0
    while end < len(tags) and tags[end] == "publisher":
        end += 1
    words = [text[a:b] for a, b, _t in labelled[:end]]
    if end > 6 or end == len(tags) or text[labelled[end][0]:labelled[end][1]] != "," \
            or not all(re.fullmatch(NAME_WORD, w) or w.lower() in PARTICLES or w in "-'’" for w in words) \
            or "title" not in tags[end + 1:end + 3]:
        return labelled
    return [(a, b, "author" if i < end else t) for i, (a, b, t) in enumerate(labelled)]


# A translation's or a collaboration's bracketed note ("(traduit par A. Roy)", "(translated by ...)", "(with
# discussion)", "(avec la collaboration de ...)"): no part of a title, wherever the labeller's title holds it
# (KIND_NOTE_RE) or at the end of the rule parser's (fields.TITLE_NOTE_RE).
TRANSLATION_NOTE = r"(?i:trad(?:uit|uction)?\.?|translated|transl\.|avec|with)\s[^()\[\]]{1,80}"
# A bracketed note on the work's kind or language ends its title: "... in the Ames structure (abstract). Lunar and
# Planetary Science", "... Garleborg County (in Swedish)", "[en ligne]", "[Internet]", and the notes above
KIND_NOTE_RE = re.compile(r"\s*[(\[]\s*(?:in (?:[A-Z][a-z]+(?:ish|ese|ian|ch|an|ic)|Greek|Hebrew|Latin)(?: with [^)\]]*)?"
                           r"|(?i:abstracts?|résumé|summary|en (?:français|anglais|espagnol|allemand)"
                           r"|internet|online|en ligne|in press|sous presse)|" + TRANSLATION_NOTE + r")\s*[)\]]")


def _title_goes_on(text: str, labelled: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A note the labeller starts after the title's comma with a lower-case word, no digit in it, is the title's
    own next clause ("Notre langue, votre patois, leur baragouin. Hermès 30"): a note, a journal or a place opens
    with a capital, a cue or a number."""
    tags = [t for _a, _b, t in labelled]
    for i in range(2, len(tags)):
        if tags[i] == "note" and tags[i - 1] == "O" and tags[i - 2] == "title" and text[labelled[i - 1][0]:labelled[i - 1][1]] == ",":
            j = i
            while j < len(tags) and tags[j] in ("note", "O") and not (tags[j] == "O" and text[labelled[j][0]] in ".;:([" ):
                j += 1
            words = [text[a:b] for a, b, _t in labelled[i:j]]
            if words[0].isalpha() and words[0].islower() and not any(w[:1].isdigit() for w in words):
                return _title_goes_on(text, [(a, b, "title" if i <= k < j else t) for k, (a, b, t) in enumerate(labelled)])
    return labelled


# A book's editors printed before its title with their mark ("Dans I. Pool (éd.), Titre", "In M. Roy, & N. Fortin
# (Eds), Title"), and what an edition prints after the title (", texte établi par ...", ", préface de ...",
# ", translated by ...", ", suivi de ..."): neither is the book's title.
EDITORS_HEAD_RE = re.compile(r"^(?P<ed>[^():«»“”]{2,120}?)\s*[(\[]\s*(?:sous la )?(?:dir|dirs|éds?|eds?|coord|coor)\.?\s*[)\]]"
                             r"\s*[:,.]?\s*(?=\S)", re.I)
EDITION_TAIL_RE = re.compile(r",\s*(?:texte établi|textes? réunis|édition établie|édition critique|préface|préfacé|"
                             r"présenté|présentation|introduction|avant-propos|traduit|traduite|traduction|trad\.|"
                             r"suivi de|avec la collaboration|edited by|translated by|with an introduction)\b.*$", re.I)


def _book_of(container: str, editor: str | None) -> dict[str, str]:
    """The container without the editors printed before it and the edition notes after it (see EDITORS_HEAD_RE);
    the editors go to `editor` when the labeller found none."""
    out: dict[str, str] = {}
    head = EDITORS_HEAD_RE.match(container)
    if head and sum(c.isalpha() for c in container[head.end():]) >= 3:
        container = container[head.end():]
        if not editor:
            out["editor"] = _trim(head.group("ed"))
    tail = EDITION_TAIL_RE.search(container)
    if tail and sum(c.isalpha() for c in container[:tail.start()]) >= 3:
        container = container[:tail.start()]
    out["container"] = _trim(container)
    return out


def fields(text: str) -> dict[str, str]:
    """Every field of one reference string the CRF finds, as text (the year as its four digits)."""
    found = stretches(text, _title_goes_on(text, _head_note_is_title(_head_publisher_is_author(text, label(text)))))
    if "year" in found:
        y = re.search(r"(?:1[5-9]\d\d|20[0-3]\d)([a-z])?\b", found["year"])
        if y:
            found["year"] = y.group(0)[:4]
        else:
            del found["year"]
    if "title" in found and (note := KIND_NOTE_RE.search(found["title"])) and sum(
            c.isalpha() for c in found["title"][:note.start()]) >= 3:
        found["title"] = _trim(found["title"][:note.start()])
    if "container" in found:
        found.update(_book_of(found["container"], found.get("editor")))
    if "container" in found and (at := text.find(found["container"])) >= 0:
        acronym = re.match(r"\s?\(([A-Z][\w\-]{1,15})\)", text[at + len(found["container"]):])
        if acronym:  # "ACL workshop (SemEval)", "Journal of Co-operative Studies (JCS)": the name's own acronym
            found["container"] += " " + acronym.group(0).strip()
            if found.get("publisher", "").strip("()") == acronym.group(1):
                del found["publisher"]
    for key in ("doi", "url"):
        if key in found:
            found[key] = re.sub(r"^(?:doi\s*:?\s*|https?://(?:dx\.)?doi\.org/)", "", found[key], flags=re.I) \
                if key == "doi" else found[key]
    return found


# ---------------------------------------------------------------- persons of an author stretch

# Lower-case words a family name opens with ("de Certeau", "Van Dijk", and the Maghrebi "El Amrani", "Aït Haddou",
# "Ibn Khaldoun", "Ould Ahmed"); not "ben", "bin" or "al", which are given names as often ("Ben Smith", "Al Gore").
PARTICLES = frozenset("de del della des der den di du da das do dos van von le la ter ten st el ait aït ibn abu abou "
                      "ould".split())
INITIALS_RE = re.compile(r"^(?:[A-ZÀ-Ý][a-z]?\.?-?)+\.?$")
SPLIT_PERSONS_RE = re.compile(r"(\s*;\s*|\s*,?\s+(?:and|et|&|und|y|e)\s+|\s*,\s*(?:and|et|&)\s+)")
ETAL_RE = re.compile(r",?\s*\b(?:et\s*al|et\s+coll|and\s+others)\b\.?", re.I)
EDITOR_MARK_RE = re.compile(r"\s*[(\[]?\s*\b(?:eds?|éds?|dir|coord|hrsg|editors?)\b\.?\s*[)\]]?\s*$|\s*\(sous la dir[^)]*\)", re.I)


NAME_WORD = r"[A-ZÀ-Ý][\w’'\-]*[^\W\d_]"  # two letters or more, no full stop: not an initial


def _one_name(left: str, right: str) -> bool:
    """Whether "y" / "e" between two stretches joins one family name ("Ortega y Gasset, José", "Paz y Meliá", "J.
    Sebastiao e Silva") rather than two persons ("García, Ana y Pérez, Luis", "Ana Gómez y Luis Pérez"): a bare
    name word before it and a name word that ends its person after it, or a name word alone after it and a person
    with no comma before it."""
    left, right = left.strip(), right.strip()
    return bool(re.fullmatch(NAME_WORD, left) and re.match(NAME_WORD + r"\s*(?:,|$)", right)
                or re.fullmatch(NAME_WORD, right) and "," not in left and re.search(r"(?:^|\s)" + NAME_WORD + "$", left))


def _bare_family_given(family: str, given: str, alone: bool) -> bool:
    """Whether two pieces of an author stretch parted by a comma are one person, family then given, when the given
    part is no initials nor names of the dictionary: one bare word, particles aside ("Menéndez Pidal, Ramón", "Sousa
    Santos, Boaventura de", and in a longer list "Fernández de Moratín, Leandro, Luis Pérez y ...": a given-first
    list never prints a person as one word); or, in a stretch of those two pieces only (`alone`), one family name
    before the comma (a word, or words joined by a particle: `_compound_family`) and at most two words after
    ("Ostrom, Elinor Claire", "Brunel de Montfaucon, Aurèle Denis")."""
    words = [w for w in given.split() if w.lower() not in PARTICLES]
    if len(words) == 1 and words[0][:1].isupper() and words[0][1:].islower() and words[0].isalpha():
        return True
    names = family.split()
    one = len([w for w in names if w.lower() not in PARTICLES]) == 1 or _compound_family(
        names, next((i for i, w in enumerate(names) if w.lower() in PARTICLES), 0))
    return alone and one and len(given.split()) <= 2


def _is_initials(piece: str) -> bool:
    toks = piece.replace(".", ". ").split()
    bare = piece.replace(" ", "").replace("-", "")
    return bool(toks) and all(INITIALS_RE.match(t) for t in toks) and ("." in piece or len(bare) <= 3 and bare.isupper())


def _looks_given(piece: str) -> bool:
    words = piece.split()
    if not words or len(words) > 3:
        return False
    if _is_initials(piece):
        return True
    names = [w for w in words if not _is_initials(w)]
    if names and all(is_given(w.rstrip(".")) for w in names):
        return True
    return len(words) == 2 and _is_initials(words[1]) and "." in words[1] and words[0][1:].islower() \
        and is_given(words[0])


def _one_person(piece: str) -> tuple[str, str]:
    """"J. P. Collman", "Collman J. P.", "COLLMAN JP", "Elinor Ostrom", "Ludwig van Beethoven" -> (family, given)."""
    piece = re.sub(r"\s*\([^()]*\)", "", piece)
    words = re.sub(r"\.\s*-", ".-", piece.replace(".", ". ")).split()
    if not words:
        return "", ""
    lead = []
    while len(words) > 1 and INITIALS_RE.match(words[0]) and (words[0].endswith(".") or words[0].endswith("-")):
        lead.append(words.pop(0))
    if lead:
        return _join(words), _join(lead)
    trail = []
    while len(words) > 1 and INITIALS_RE.match(words[-1]) and (words[-1].endswith(".") or words[-1].isupper() and len(words[-1]) <= 3):
        trail.insert(0, words.pop())
    if trail:
        if len(words) == 2 and _given_word(words[1]) and not _given_word(words[0]) and words[0].lower() not in PARTICLES:
            return words[0], _join(words[1:] + trail)  # "Catford John C.": family, given name, initials
        return _join(words), _join(trail)
    if len(words) >= 2 and words[-1].isupper() and not words[0].isupper():
        return words[-1], _join(words[:-1])  # "Jean DUPONT"
    if len(words) >= 2 and words[0].isupper() and len(words[0]) > 1 and not words[-1].isupper():
        k = 1
        while k < len(words) and words[k].isupper():
            k += 1
        return _join(words[:k]), _join(words[k:])  # "DUPONT Jean"
    if len(words) == 2 and (_given_word(words[1]) and not _given_word(words[0])
                            or _given_word(words[1], curated=True) and not _given_word(words[0], curated=True)):
        return words[0], words[1]  # "Lévesque Benoît", "Roy Marie": family first, no comma (French lists)
    i = len(words) - 1
    while i > 0 and words[i - 1].lower() in PARTICLES:
        i -= 1
    if _compound_family(words, i):
        return _join(words), ""
    return _join(words[i:]), _join(words[:i])


def _compound_family(words: list[str], i: int) -> bool:
    """Whether name words before a particle (`words[:i]`, `words[i]` the particle) are the first part of one
    family name ("Fustel de Coulanges", "Hérault de Séchelles") rather than given names ("Alexis de Tocqueville"):
    none of them is a given name, by the dictionary or the header model's lexicon."""
    return 0 < i < len(words) - 1 and words[i].lower() in PARTICLES and not any(_given_word(w) for w in words[:i]) \
        and all(re.fullmatch(NAME_WORD, w) for w in words[:i])


INSTITUTION_WORDS = frozenset("""
ministère ministre ministry ministerio department département departement direction gouvernement government gobierno
office bureau conseil council consejo commission comisión comité committee institut institute instituto organisation
organization organización agence agency association fédération federation confédération alliance société society
centre center université university universidad banque bank banco fondation foundation fundación statistique
statistics observatoire observatory secrétariat secretariat assemblée assembly parlement parliament nations
collaboration groupe group réseau network programme program chambre tribunal boletín coopérative cooperative
""".split())


def _is_institution(stretch: str) -> bool:
    """An author that is a body: a word of INSTITUTION_WORDS and no initials ("Ministère de la Santé", "World
    Health Organization"; not "Bank, J.")."""
    words = re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)*\.?", stretch)
    if len(words) < 2 or any(INITIALS_RE.match(w) and (w.endswith(".") or len(w) <= 2) for w in words):
        return False
    return any(w.rstrip(".").lower() in INSTITUTION_WORDS for w in words)


# Family names common in East Asia that bylines often print first ("Kim Jae-Won", "Lee Tae-Hyung"), so the header
# model's lexicon of first words holds them: never taken for given names on its word alone.
EAST_ASIAN_FAMILY = frozenset("""
an bae cai cao chang chen cheng cho choi chung dai deng ding dong du fan fang feng gao guo han he ho hong hu huang
hwang ito jang jeon jeong jiang jin jung kang kato kim ko koh kwon lai lam lee li liang lim lin liu lu luo ma nguyen
oh park pham peng qian shen shi song sun tan tang tran wang wei wong wu xie xu yamamoto yang ye yu yoon zeng zhang
zhao zheng zhou zhu
""".split())


def _given_word(word: str, curated: bool = False) -> bool:
    """A given name of the dictionary or (unless `curated`) of the header model's lexicon (the first names of its
    training pages' bylines, where "Roy" or "Martin" may be either), hyphenated ones part by part ("Jean-Pierre")."""
    return all(is_given(part) or not curated and known_given(part) and part.lower() not in EAST_ASIAN_FAMILY
               for part in word.split("-") if part)


def _join(words: list[str]) -> str:
    return re.sub(r"\.\s+(?=-)", ".", " ".join(words)).replace(". -", ".-").strip(" ,")


def persons(stretch: str) -> list[tuple[str, str]]:
    """(family, given) of each person of an author (or editor) stretch, in order; "et al." left out."""
    s = EDITOR_MARK_RE.sub("", ETAL_RE.sub("", unicodedata.normalize("NFC", stretch))).strip(" ,;:")
    s = re.sub(r"(?<=[a-zà-ÿ]{2})\.$", "", s)
    s = re.sub(r"^(?:by|par|edited by|ed\. by)\s+", "", s, flags=re.I)
    if _is_institution(s):  # "Direction générale de la statistique et de l’informatique": one body, not persons
        name = s.split(",")[0].strip(" ,;:.")  # "Organisation internationale du travail (OIT)" keeps its acronym
        return [(name, "")] if name else []
    out: list[tuple[str, str]] = []
    parts = SPLIT_PERSONS_RE.split(s)
    chunks = parts[:1]
    for sep, chunk in zip(parts[1::2], parts[2::2]):
        if sep.strip(" ,") in ("y", "e") and _one_name(chunks[-1], chunk):  # one word until the end
            chunks[-1] = chunks[-1].rstrip() + "\0" + sep.strip(" ,") + "\0" + chunk.lstrip()
        else:
            chunks.append(chunk)
    for chunk in chunks:
        pieces = [p.strip() for p in chunk.split(",")]
        pieces = [p for p in pieces if p]
        i = 0
        while i < len(pieces):
            p = pieces[i]
            if _is_institution(p):  # "ALICE Collaboration, K. Aamodt et al.": the body, then persons
                out.append((p, ""))
                i += 1
                continue
            single = len([w for w in p.split() if w.lower() not in PARTICLES]) <= 2 and not _is_initials(p) and not any(
                INITIALS_RE.match(w) and (w.endswith(".") or len(w) <= 3 and w.isupper()) for w in p.split())
            if single and i + 1 < len(pieces) and (_looks_given(pieces[i + 1]) or _bare_family_given(
                    p, pieces[i + 1], alone=len(pieces) == 2 and not out)):
                out.append((p, pieces[i + 1].strip()))
                i += 2
                continue
            family, given = _one_person(p)
            if family:
                out.append((family, given))
            i += 1
    return [(f.replace("\0", " ").strip(" ,.;:"), g.replace("\0", " ").strip(" ,;:")) for f, g in out if f.strip(" ,.;:")]
