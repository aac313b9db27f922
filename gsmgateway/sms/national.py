"""TS 23.038 annex A: the national language locking shift and single shift tables.

A national language locking shift table (A.3) replaces the GSM 7-bit default alphabet
for a whole segment; a national language single shift table (A.2) replaces the default
extension table, reached by ESC (0x1B) then the code. A segment names its tables in the
user data header: IE 0x25 (locking shift) and IE 0x24 (single shift), TS 23.040
9.2.3.24.16 and 9.2.3.24.15, whose one octet is the national language identifier of
TS 23.038 6.2.1.2.4 (``LANGUAGE_IDS``).

Decision: these tables are our own literal data, transcribed from the spec and tested
entry by entry (all 128 positions of every table, both directions) against gsmcodecs
1.0.0, pinned as a test dependency only. We do not import gsmcodecs at run time: it is
alpha, a single release, and differs from the spec and from deployed phones in a few
entries (below); a table that decides what reaches a handset must be data we review
and cite, not something an upgrade can change under us.

Notation: each table is eight strings, one per row of 16 codes (0xN0..0xNF, a column of
the spec's table), of 16 space-separated tokens: a character, ``U+XXXX`` (a code point
written by number: format characters, and letters that Unicode normalisation would
decompose, so an editor that normalises the file cannot change them), or a name:
``--`` undefined, ``ESC`` 0x1B (the escape; never a character), ``CR2`` 0x0D of a single
shift table (reserved for a control code; no character), ``LF``, ``CR``, ``SP``, and
``PB`` page break (sent as FF, U+000C, like the default extension table's 0x0A).

Sources compared for every entry: gsmcodecs (transcribed from v18), oFono (v8.2.0),
Android (v9.1.1, with its own typo notes) and warthog618/sms. They agree everywhere but
at slips of a single implementation (outvoted by the other three) and at the points
below, where we follow the spec, or what phones send where the spec has a typo:
- 0x2C of the ten Indic and Urdu locking shift tables (A.3.4-A.3.13) is COMMA in oFono,
  Android and warthog618/sms, as in the default alphabet (the tables keep ASCII
  punctuation at its ASCII codes). gsmcodecs has APOSTROPHE there, which leaves those
  tables without a comma: a transcription slip.
- A.3.7 (Kannada) prints U+0CAA KANNADA LETTER PA at 0x24 and again at 0x3D (oFono,
  gsmcodecs and Android's note agree on the print). 0x24 sits in the alphabetical run
  U+0C9F..U+0CA4, so it is a typo for U+0CA1 KANNADA LETTER DDA, which Android sends
  there. We read 0x24 as DDA but never send it (``LOCKING_DECODE_ONLY``), since a
  receiver reading the print literally would show PA; PA goes out as 0x3D, which every
  reading agrees on. gsmcodecs reads and sends 0x24 as PA.
- 0x1B holds no character in any table; gsmcodecs stores a space there (what a receiver
  shows for an unknown escape, which our decoder also does).
The spec itself lists '*' (0x0B, 0x18) and '¡' (0x13, 0x15) twice in the Indic and Urdu
single shift tables (A.2.4-A.2.13); both codes decode to the character, and the encoder
sends the lower code. Spanish has a single shift table but no locking shift table (A.3.2
is void): its messages use the default alphabet with the Spanish single shift table.
A.2.12 (Telugu) has no euro sign at 0x65, unlike the other single shift tables; we keep
the spec's table, as oFono and gsmcodecs do (Android and warthog618/sms add one).
"""

from __future__ import annotations

_TOKEN_NAMES: dict[str, str | None] = {
    "--": None,
    "ESC": None,
    "CR2": None,
    "LF": "\n",
    "CR": "\r",
    "SP": " ",
    "PB": "\x0c",
}


def _parse_rows(rows: tuple[str, ...]) -> tuple[str | None, ...]:
    """The 128 entries of a table written as eight rows of 16 tokens (see the docstring)."""
    if len(rows) != 8:
        raise ValueError(f"a table has 8 rows of 16 codes, not {len(rows)} rows")
    entries: list[str | None] = []
    for row in rows:
        tokens = row.split(" ")
        if len(tokens) != 16:
            raise ValueError(f"a table row has 16 tokens, not {len(tokens)}: {row!r}")
        for token in tokens:
            code = len(entries)
            if (token == "ESC") != (code == 0x1B):
                raise ValueError(f"ESC belongs at 0x1B only (code {code:#04x}: {token!r})")
            if token in _TOKEN_NAMES:
                entries.append(_TOKEN_NAMES[token])
            elif token.startswith("U+") and len(token) == 6:
                entries.append(chr(int(token[2:], 16)))
            elif len(token) == 1:
                entries.append(token)
            else:
                raise ValueError(f"unknown table token {token!r} at code {code:#04x}")
    return tuple(entries)


def _locking(rows: tuple[str, ...]) -> tuple[str | None, ...]:
    return _parse_rows(rows)


def _single_shift(rows: tuple[str, ...]) -> dict[int, str]:
    return {code: char for code, char in enumerate(_parse_rows(rows)) if char is not None}


# A.3.1 Turkish National Language Locking Shift Table
_TURKISH_LOCKING = (
    "@ £ $ ¥ € é ù ı ò Ç LF Ğ ğ CR Å å",  # 0x00-0x0F
    "Δ _ Φ Γ Λ Ω Π Ψ Σ Θ Ξ ESC Ş ş ß É",  # 0x10-0x1F
    "SP ! \" # ¤ % & ' ( ) * + , - . /",  # 0x20-0x2F
    "0 1 2 3 4 5 6 7 8 9 : ; < = > ?",  # 0x30-0x3F
    "İ A B C D E F G H I J K L M N O",  # 0x40-0x4F
    "P Q R S T U V W X Y Z Ä Ö Ñ Ü §",  # 0x50-0x5F
    "ç a b c d e f g h i j k l m n o",  # 0x60-0x6F
    "p q r s t u v w x y z ä ö ñ ü à",  # 0x70-0x7F
)

# A.2.1 Turkish National Language Single Shift Table
_TURKISH_SINGLE_SHIFT = (
    "-- -- -- -- -- -- -- -- -- -- PB -- -- CR2 -- --",  # 0x00-0x0F
    "-- -- -- -- ^ -- -- -- -- -- -- ESC -- -- -- --",  # 0x10-0x1F
    "-- -- -- -- -- -- -- -- { } -- -- -- -- -- \\",  # 0x20-0x2F
    "-- -- -- -- -- -- -- -- -- -- -- -- [ ~ ] --",  # 0x30-0x3F
    "| -- -- -- -- -- -- Ğ -- İ -- -- -- -- -- --",  # 0x40-0x4F
    "-- -- -- Ş -- -- -- -- -- -- -- -- -- -- -- --",  # 0x50-0x5F
    "-- -- -- ç -- € -- ğ -- ı -- -- -- -- -- --",  # 0x60-0x6F
    "-- -- -- ş -- -- -- -- -- -- -- -- -- -- -- --",  # 0x70-0x7F
)

# A.2.2 Spanish National Language Single Shift Table
_SPANISH_SINGLE_SHIFT = (
    "-- -- -- -- -- -- -- -- -- ç PB -- -- CR2 -- --",  # 0x00-0x0F
    "-- -- -- -- ^ -- -- -- -- -- -- ESC -- -- -- --",  # 0x10-0x1F
    "-- -- -- -- -- -- -- -- { } -- -- -- -- -- \\",  # 0x20-0x2F
    "-- -- -- -- -- -- -- -- -- -- -- -- [ ~ ] --",  # 0x30-0x3F
    "| Á -- -- -- -- -- -- -- Í -- -- -- -- -- Ó",  # 0x40-0x4F
    "-- -- -- -- -- Ú -- -- -- -- -- -- -- -- -- --",  # 0x50-0x5F
    "-- á -- -- -- € -- -- -- í -- -- -- -- -- ó",  # 0x60-0x6F
    "-- -- -- -- -- ú -- -- -- -- -- -- -- -- -- --",  # 0x70-0x7F
)

# A.3.3 Portuguese National Language Locking Shift Table
_PORTUGUESE_LOCKING = (
    "@ £ $ ¥ ê é ú í ó ç LF Ô ô CR Á á",  # 0x00-0x0F
    "Δ _ ª Ç À ∞ ^ \\ € Ó | ESC Â â Ê É",  # 0x10-0x1F
    "SP ! \" # º % & ' ( ) * + , - . /",  # 0x20-0x2F
    "0 1 2 3 4 5 6 7 8 9 : ; < = > ?",  # 0x30-0x3F
    "Í A B C D E F G H I J K L M N O",  # 0x40-0x4F
    "P Q R S T U V W X Y Z Ã Õ Ú Ü §",  # 0x50-0x5F
    "~ a b c d e f g h i j k l m n o",  # 0x60-0x6F
    "p q r s t u v w x y z ã õ ` ü à",  # 0x70-0x7F
)

# A.2.3 Portuguese National Language Single Shift Table
_PORTUGUESE_SINGLE_SHIFT = (
    "-- -- -- -- -- ê -- -- -- ç PB Ô ô CR2 Á á",  # 0x00-0x0F
    "-- -- Φ Γ ^ Ω Π Ψ Σ Θ -- ESC -- -- -- Ê",  # 0x10-0x1F
    "-- -- -- -- -- -- -- -- { } -- -- -- -- -- \\",  # 0x20-0x2F
    "-- -- -- -- -- -- -- -- -- -- -- -- [ ~ ] --",  # 0x30-0x3F
    "| À -- -- -- -- -- -- -- Í -- -- -- -- -- Ó",  # 0x40-0x4F
    "-- -- -- -- -- Ú -- -- -- -- -- Ã Õ -- -- --",  # 0x50-0x5F
    "-- Â -- -- -- € -- -- -- í -- -- -- -- -- ó",  # 0x60-0x6F
    "-- -- -- -- -- ú -- -- -- -- -- ã õ -- -- â",  # 0x70-0x7F
)

# A.3.4 Bengali National Language Locking Shift Table
_BENGALI_LOCKING = (
    "ঁ ং ঃ অ আ ই ঈ উ ঊ ঋ LF ঌ -- CR -- এ",  # 0x00-0x0F
    "ঐ -- -- ও ঔ ক খ গ ঘ ঙ চ ESC ছ জ ঝ ঞ",  # 0x10-0x1F
    "SP ! ট ঠ ড ঢ ণ ত ) ( থ দ , ধ . ন",  # 0x20-0x2F
    "0 1 2 3 4 5 6 7 8 9 : ; -- প ফ ?",  # 0x30-0x3F
    "ব ভ ম য র -- ল -- -- -- শ ষ স হ ় ঽ",  # 0x40-0x4F
    "া ি ী ু ূ ৃ ৄ -- -- ে ৈ -- -- ো ৌ ্",  # 0x50-0x5F
    "ৎ a b c d e f g h i j k l m n o",  # 0x60-0x6F
    # U+09DC RRA, U+09DD RHA
    "p q r s t u v w x y z ৗ U+09DC U+09DD ৰ ৱ",  # 0x70-0x7F
)

# A.2.4 Bengali National Language Single Shift Table
_BENGALI_SINGLE_SHIFT = (
    "@ £ $ ¥ ¿ \" ¤ % & ' PB * + CR2 - /",  # 0x00-0x0F
    "< = > ¡ ^ ¡ _ # * ০ ১ ESC ২ ৩ ৪ ৫",  # 0x10-0x1F
    # U+09DF YYA
    "৬ ৭ ৮ ৯ U+09DF ৠ ৡ ৢ { } ৣ ৲ ৳ ৴ ৵ \\",  # 0x20-0x2F
    "৶ ৷ ৸ ৹ ৺ -- -- -- -- -- -- -- [ ~ ] --",  # 0x30-0x3F
    "| A B C D E F G H I J K L M N O",  # 0x40-0x4F
    "P Q R S T U V W X Y Z -- -- -- -- --",  # 0x50-0x5F
    "-- -- -- -- -- € -- -- -- -- -- -- -- -- -- --",  # 0x60-0x6F
    "-- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --",  # 0x70-0x7F
)

# A.3.5 Gujarati National Language Locking Shift Table
_GUJARATI_LOCKING = (
    "ઁ ં ઃ અ આ ઇ ઈ ઉ ઊ ઋ LF ઌ ઍ CR -- એ",  # 0x00-0x0F
    "ઐ ઑ -- ઓ ઔ ક ખ ગ ઘ ઙ ચ ESC છ જ ઝ ઞ",  # 0x10-0x1F
    "SP ! ટ ઠ ડ ઢ ણ ત ) ( થ દ , ધ . ન",  # 0x20-0x2F
    "0 1 2 3 4 5 6 7 8 9 : ; -- પ ફ ?",  # 0x30-0x3F
    "બ ભ મ ય ર -- લ ળ -- વ શ ષ સ હ ઼ ઽ",  # 0x40-0x4F
    "ા િ ી ુ ૂ ૃ ૄ ૅ -- ે ૈ ૉ -- ો ૌ ્",  # 0x50-0x5F
    "ૐ a b c d e f g h i j k l m n o",  # 0x60-0x6F
    "p q r s t u v w x y z ૠ ૡ ૢ ૣ ૱",  # 0x70-0x7F
)

# A.2.5 Gujarati National Language Single Shift Table
_GUJARATI_SINGLE_SHIFT = (
    "@ £ $ ¥ ¿ \" ¤ % & ' PB * + CR2 - /",  # 0x00-0x0F
    "< = > ¡ ^ ¡ _ # * । ॥ ESC ૦ ૧ ૨ ૩",  # 0x10-0x1F
    "૪ ૫ ૬ ૭ ૮ ૯ -- -- { } -- -- -- -- -- \\",  # 0x20-0x2F
    "-- -- -- -- -- -- -- -- -- -- -- -- [ ~ ] --",  # 0x30-0x3F
    "| A B C D E F G H I J K L M N O",  # 0x40-0x4F
    "P Q R S T U V W X Y Z -- -- -- -- --",  # 0x50-0x5F
    "-- -- -- -- -- € -- -- -- -- -- -- -- -- -- --",  # 0x60-0x6F
    "-- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --",  # 0x70-0x7F
)

# A.3.6 Hindi National Language Locking Shift Table
_HINDI_LOCKING = (
    "ँ ं ः अ आ इ ई उ ऊ ऋ LF ऌ ऍ CR ऎ ए",  # 0x00-0x0F
    "ऐ ऑ ऒ ओ औ क ख ग घ ङ च ESC छ ज झ ञ",  # 0x10-0x1F
    "SP ! ट ठ ड ढ ण त ) ( थ द , ध . न",  # 0x20-0x2F
    "0 1 2 3 4 5 6 7 8 9 : ; ऩ प फ ?",  # 0x30-0x3F
    "ब भ म य र ऱ ल ळ ऴ व श ष स ह ़ ऽ",  # 0x40-0x4F
    "ा ि ी ु ू ृ ॄ ॅ ॆ े ै ॉ ॊ ो ौ ्",  # 0x50-0x5F
    "ॐ a b c d e f g h i j k l m n o",  # 0x60-0x6F
    "p q r s t u v w x y z ॲ ॻ ॼ ॾ ॿ",  # 0x70-0x7F
)

# A.2.6 Hindi National Language Single Shift Table
_HINDI_SINGLE_SHIFT = (
    "@ £ $ ¥ ¿ \" ¤ % & ' PB * + CR2 - /",  # 0x00-0x0F
    "< = > ¡ ^ ¡ _ # * । ॥ ESC ० १ २ ३",  # 0x10-0x1F
    # U+0958 QA, U+0959 KHHA, U+095A GHHA
    "४ ५ ६ ७ ८ ९ ॑ ॒ { } ॓ ॔ U+0958 U+0959 U+095A \\",  # 0x20-0x2F
    # U+095B ZA, U+095C DDDHA, U+095D RHA, U+095E FA, U+095F YYA
    "U+095B U+095C U+095D U+095E U+095F ॠ ॡ ॢ ॣ ॰ ॱ -- [ ~ ] --",  # 0x30-0x3F
    "| A B C D E F G H I J K L M N O",  # 0x40-0x4F
    "P Q R S T U V W X Y Z -- -- -- -- --",  # 0x50-0x5F
    "-- -- -- -- -- € -- -- -- -- -- -- -- -- -- --",  # 0x60-0x6F
    "-- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --",  # 0x70-0x7F
)

# A.3.7 Kannada National Language Locking Shift Table
_KANNADA_LOCKING = (
    "-- ಂ ಃ ಅ ಆ ಇ ಈ ಉ ಊ ಋ LF ಌ -- CR ಎ ಏ",  # 0x00-0x0F
    "ಐ -- ಒ ಓ ಔ ಕ ಖ ಗ ಘ ಙ ಚ ESC ಛ ಜ ಝ ಞ",  # 0x10-0x1F
    "SP ! ಟ ಠ ಡ ಢ ಣ ತ ) ( ಥ ದ , ಧ . ನ",  # 0x20-0x2F
    "0 1 2 3 4 5 6 7 8 9 : ; -- ಪ ಫ ?",  # 0x30-0x3F
    "ಬ ಭ ಮ ಯ ರ ಱ ಲ ಳ -- ವ ಶ ಷ ಸ ಹ ಼ ಽ",  # 0x40-0x4F
    "ಾ ಿ ೀ ು ೂ ೃ ೄ -- ೆ ೇ ೈ -- ೊ ೋ ೌ ್",  # 0x50-0x5F
    "ೕ a b c d e f g h i j k l m n o",  # 0x60-0x6F
    "p q r s t u v w x y z ೖ ೠ ೡ ೢ ೣ",  # 0x70-0x7F
)

# A.2.7 Kannada National Language Single Shift Table
_KANNADA_SINGLE_SHIFT = (
    "@ £ $ ¥ ¿ \" ¤ % & ' PB * + CR2 - /",  # 0x00-0x0F
    "< = > ¡ ^ ¡ _ # * । ॥ ESC ೦ ೧ ೨ ೩",  # 0x10-0x1F
    "೪ ೫ ೬ ೭ ೮ ೯ ೞ ೱ { } ೲ -- -- -- -- \\",  # 0x20-0x2F
    "-- -- -- -- -- -- -- -- -- -- -- -- [ ~ ] --",  # 0x30-0x3F
    "| A B C D E F G H I J K L M N O",  # 0x40-0x4F
    "P Q R S T U V W X Y Z -- -- -- -- --",  # 0x50-0x5F
    "-- -- -- -- -- € -- -- -- -- -- -- -- -- -- --",  # 0x60-0x6F
    "-- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --",  # 0x70-0x7F
)

# A.3.8 Malayalam National Language Locking Shift Table
_MALAYALAM_LOCKING = (
    "-- ം ഃ അ ആ ഇ ഈ ഉ ഊ ഋ LF ഌ -- CR എ ഏ",  # 0x00-0x0F
    "ഐ -- ഒ ഓ ഔ ക ഖ ഗ ഘ ങ ച ESC ഛ ജ ഝ ഞ",  # 0x10-0x1F
    "SP ! ട ഠ ഡ ഢ ണ ത ) ( ഥ ദ , ധ . ന",  # 0x20-0x2F
    "0 1 2 3 4 5 6 7 8 9 : ; -- പ ഫ ?",  # 0x30-0x3F
    "ബ ഭ മ യ ര റ ല ള ഴ വ ശ ഷ സ ഹ -- ഽ",  # 0x40-0x4F
    "ാ ി ീ ു ൂ ൃ ൄ -- െ േ ൈ -- ൊ ോ ൌ ്",  # 0x50-0x5F
    "ൗ a b c d e f g h i j k l m n o",  # 0x60-0x6F
    "p q r s t u v w x y z ൠ ൡ ൢ ൣ ൹",  # 0x70-0x7F
)

# A.2.8 Malayalam National Language Single Shift Table
_MALAYALAM_SINGLE_SHIFT = (
    "@ £ $ ¥ ¿ \" ¤ % & ' PB * + CR2 - /",  # 0x00-0x0F
    "< = > ¡ ^ ¡ _ # * । ॥ ESC ൦ ൧ ൨ ൩",  # 0x10-0x1F
    "൪ ൫ ൬ ൭ ൮ ൯ ൰ ൱ { } ൲ ൳ ൴ ൵ ൺ \\",  # 0x20-0x2F
    "ൻ ർ ൽ ൾ ൿ -- -- -- -- -- -- -- [ ~ ] --",  # 0x30-0x3F
    "| A B C D E F G H I J K L M N O",  # 0x40-0x4F
    "P Q R S T U V W X Y Z -- -- -- -- --",  # 0x50-0x5F
    "-- -- -- -- -- € -- -- -- -- -- -- -- -- -- --",  # 0x60-0x6F
    "-- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --",  # 0x70-0x7F
)

# A.3.9 Oriya National Language Locking Shift Table
_ORIYA_LOCKING = (
    "ଁ ଂ ଃ ଅ ଆ ଇ ଈ ଉ ଊ ଋ LF ଌ -- CR -- ଏ",  # 0x00-0x0F
    "ଐ -- -- ଓ ଔ କ ଖ ଗ ଘ ଙ ଚ ESC ଛ ଜ ଝ ଞ",  # 0x10-0x1F
    "SP ! ଟ ଠ ଡ ଢ ଣ ତ ) ( ଥ ଦ , ଧ . ନ",  # 0x20-0x2F
    "0 1 2 3 4 5 6 7 8 9 : ; -- ପ ଫ ?",  # 0x30-0x3F
    "ବ ଭ ମ ଯ ର -- ଲ ଳ -- ଵ ଶ ଷ ସ ହ ଼ ଽ",  # 0x40-0x4F
    "ା ି ୀ ୁ ୂ ୃ ୄ -- -- େ ୈ -- -- ୋ ୌ ୍",  # 0x50-0x5F
    "ୖ a b c d e f g h i j k l m n o",  # 0x60-0x6F
    "p q r s t u v w x y z ୗ ୠ ୡ ୢ ୣ",  # 0x70-0x7F
)

# A.2.9 Oriya National Language Single Shift Table
_ORIYA_SINGLE_SHIFT = (
    "@ £ $ ¥ ¿ \" ¤ % & ' PB * + CR2 - /",  # 0x00-0x0F
    "< = > ¡ ^ ¡ _ # * । ॥ ESC ୦ ୧ ୨ ୩",  # 0x10-0x1F
    # U+0B5C RRA, U+0B5D RHA
    "୪ ୫ ୬ ୭ ୮ ୯ U+0B5C U+0B5D { } ୟ ୰ ୱ -- -- \\",  # 0x20-0x2F
    "-- -- -- -- -- -- -- -- -- -- -- -- [ ~ ] --",  # 0x30-0x3F
    "| A B C D E F G H I J K L M N O",  # 0x40-0x4F
    "P Q R S T U V W X Y Z -- -- -- -- --",  # 0x50-0x5F
    "-- -- -- -- -- € -- -- -- -- -- -- -- -- -- --",  # 0x60-0x6F
    "-- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --",  # 0x70-0x7F
)

# A.3.10 Punjabi National Language Locking Shift Table
_PUNJABI_LOCKING = (
    "ਁ ਂ ਃ ਅ ਆ ਇ ਈ ਉ ਊ -- LF -- -- CR -- ਏ",  # 0x00-0x0F
    "ਐ -- -- ਓ ਔ ਕ ਖ ਗ ਘ ਙ ਚ ESC ਛ ਜ ਝ ਞ",  # 0x10-0x1F
    "SP ! ਟ ਠ ਡ ਢ ਣ ਤ ) ( ਥ ਦ , ਧ . ਨ",  # 0x20-0x2F
    "0 1 2 3 4 5 6 7 8 9 : ; -- ਪ ਫ ?",  # 0x30-0x3F
    # U+0A33 LLA, U+0A36 SHA
    "ਬ ਭ ਮ ਯ ਰ -- ਲ U+0A33 -- ਵ U+0A36 -- ਸ ਹ ਼ --",  # 0x40-0x4F
    "ਾ ਿ ੀ ੁ ੂ -- -- -- -- ੇ ੈ -- -- ੋ ੌ ੍",  # 0x50-0x5F
    "ੑ a b c d e f g h i j k l m n o",  # 0x60-0x6F
    "p q r s t u v w x y z ੰ ੱ ੲ ੳ ੴ",  # 0x70-0x7F
)

# A.2.10 Punjabi National Language Single Shift Table
_PUNJABI_SINGLE_SHIFT = (
    "@ £ $ ¥ ¿ \" ¤ % & ' PB * + CR2 - /",  # 0x00-0x0F
    "< = > ¡ ^ ¡ _ # * । ॥ ESC ੦ ੧ ੨ ੩",  # 0x10-0x1F
    # U+0A59 KHHA, U+0A5A GHHA, U+0A5B ZA, U+0A5E FA
    "੪ ੫ ੬ ੭ ੮ ੯ U+0A59 U+0A5A { } U+0A5B ੜ U+0A5E ੵ -- \\",  # 0x20-0x2F
    "-- -- -- -- -- -- -- -- -- -- -- -- [ ~ ] --",  # 0x30-0x3F
    "| A B C D E F G H I J K L M N O",  # 0x40-0x4F
    "P Q R S T U V W X Y Z -- -- -- -- --",  # 0x50-0x5F
    "-- -- -- -- -- € -- -- -- -- -- -- -- -- -- --",  # 0x60-0x6F
    "-- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --",  # 0x70-0x7F
)

# A.3.11 Tamil National Language Locking Shift Table
_TAMIL_LOCKING = (
    "-- ஂ ஃ அ ஆ இ ஈ உ ஊ -- LF -- -- CR எ ஏ",  # 0x00-0x0F
    "ஐ -- ஒ ஓ ஔ க -- -- -- ங ச ESC -- ஜ -- ஞ",  # 0x10-0x1F
    "SP ! ட -- -- -- ண த ) ( -- -- , -- . ந",  # 0x20-0x2F
    "0 1 2 3 4 5 6 7 8 9 : ; ன ப -- ?",  # 0x30-0x3F
    "-- -- ம ய ர ற ல ள ழ வ ஶ ஷ ஸ ஹ -- --",  # 0x40-0x4F
    "ா ி ீ ு ூ -- -- -- ெ ே ை -- ொ ோ ௌ ்",  # 0x50-0x5F
    "ௐ a b c d e f g h i j k l m n o",  # 0x60-0x6F
    "p q r s t u v w x y z ௗ ௰ ௱ ௲ ௹",  # 0x70-0x7F
)

# A.2.11 Tamil National Language Single Shift Table
_TAMIL_SINGLE_SHIFT = (
    "@ £ $ ¥ ¿ \" ¤ % & ' PB * + CR2 - /",  # 0x00-0x0F
    "< = > ¡ ^ ¡ _ # * । ॥ ESC ௦ ௧ ௨ ௩",  # 0x10-0x1F
    "௪ ௫ ௬ ௭ ௮ ௯ ௳ ௴ { } ௵ ௶ ௷ ௸ ௺ \\",  # 0x20-0x2F
    "-- -- -- -- -- -- -- -- -- -- -- -- [ ~ ] --",  # 0x30-0x3F
    "| A B C D E F G H I J K L M N O",  # 0x40-0x4F
    "P Q R S T U V W X Y Z -- -- -- -- --",  # 0x50-0x5F
    "-- -- -- -- -- € -- -- -- -- -- -- -- -- -- --",  # 0x60-0x6F
    "-- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --",  # 0x70-0x7F
)

# A.3.12 Telugu National Language Locking Shift Table
_TELUGU_LOCKING = (
    "ఁ ం ః అ ఆ ఇ ఈ ఉ ఊ ఋ LF ఌ -- CR ఎ ఏ",  # 0x00-0x0F
    "ఐ -- ఒ ఓ ఔ క ఖ గ ఘ ఙ చ ESC ఛ జ ఝ ఞ",  # 0x10-0x1F
    "SP ! ట ఠ డ ఢ ణ త ) ( థ ద , ధ . న",  # 0x20-0x2F
    "0 1 2 3 4 5 6 7 8 9 : ; -- ప ఫ ?",  # 0x30-0x3F
    "బ భ మ య ర ఱ ల ళ -- వ శ ష స హ -- ఽ",  # 0x40-0x4F
    "ా ి ీ ు ూ ృ ౄ -- ె ే ై -- ొ ో ౌ ్",  # 0x50-0x5F
    "ౕ a b c d e f g h i j k l m n o",  # 0x60-0x6F
    "p q r s t u v w x y z ౖ ౠ ౡ ౢ ౣ",  # 0x70-0x7F
)

# A.2.12 Telugu National Language Single Shift Table
_TELUGU_SINGLE_SHIFT = (
    "@ £ $ ¥ ¿ \" ¤ % & ' PB * + CR2 - /",  # 0x00-0x0F
    "< = > ¡ ^ ¡ _ # * -- -- ESC ౦ ౧ ౨ ౩",  # 0x10-0x1F
    "౪ ౫ ౬ ౭ ౮ ౯ ౘ ౙ { } ౸ ౹ ౺ ౻ ౼ \\",  # 0x20-0x2F
    "౽ ౾ ౿ -- -- -- -- -- -- -- -- -- [ ~ ] --",  # 0x30-0x3F
    "| A B C D E F G H I J K L M N O",  # 0x40-0x4F
    "P Q R S T U V W X Y Z -- -- -- -- --",  # 0x50-0x5F
    "-- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --",  # 0x60-0x6F
    "-- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --",  # 0x70-0x7F
)

# A.3.13 Urdu National Language Locking Shift Table
_URDU_LOCKING = (
    "ا آ ب ٻ ڀ پ ڦ ت ۂ ٿ LF ٹ ٽ CR ٺ ټ",  # 0x00-0x0F
    "ث ج ځ ڄ ڃ څ چ ڇ ح خ د ESC ڌ ڈ ډ ڊ",  # 0x10-0x1F
    "SP ! ڏ ڍ ذ ر ڑ ړ ) ( ڙ ز , ږ . ژ",  # 0x20-0x2F
    "0 1 2 3 4 5 6 7 8 9 : ; ښ س ش ?",  # 0x30-0x3F
    "ص ض ط ظ ع ف ق ک ڪ ګ گ ڳ ڱ ل م ن",  # 0x40-0x4F
    "ں ڻ ڼ و ۄ ە ہ ھ ء ی ې ے ٍ ِ ُ ٗ",  # 0x50-0x5F
    "ٔ a b c d e f g h i j k l m n o",  # 0x60-0x6F
    "p q r s t u v w x y z ٕ ّ ٓ ٖ ٰ",  # 0x70-0x7F
)

# A.2.13 Urdu National Language Single Shift Table
_URDU_SINGLE_SHIFT = (
    "@ £ $ ¥ ¿ \" ¤ % & ' PB * + CR2 - /",  # 0x00-0x0F
    # U+0600 ARABIC NUMBER SIGN, U+0601 SANAH
    "< = > ¡ ^ ¡ _ # * U+0600 U+0601 ESC ۰ ۱ ۲ ۳",  # 0x10-0x1F
    "۴ ۵ ۶ ۷ ۸ ۹ ، ؍ { } ؎ ؏ ؐ ؑ ؒ \\",  # 0x20-0x2F
    "ؓ ؔ ؛ ؟ ـ ْ ٘ ٫ ٬ ٲ ٳ ۍ [ ~ ] ۔",  # 0x30-0x3F
    "| A B C D E F G H I J K L M N O",  # 0x40-0x4F
    "P Q R S T U V W X Y Z -- -- -- -- --",  # 0x50-0x5F
    "-- -- -- -- -- € -- -- -- -- -- -- -- -- -- --",  # 0x60-0x6F
    "-- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --",  # 0x70-0x7F
)
# TS 23.038 6.2.1.2.4: ISO 639-1 code -> national language identifier (0 and 14..255
# are reserved). In spec order, which is also the order of DESIGN.md's `--national` list.
LANGUAGE_IDS: dict[str, int] = {
    "tr": 0x01,  # Turkish
    "es": 0x02,  # Spanish
    "pt": 0x03,  # Portuguese
    "bn": 0x04,  # Bengali
    "gu": 0x05,  # Gujarati
    "hi": 0x06,  # Hindi
    "kn": 0x07,  # Kannada
    "ml": 0x08,  # Malayalam
    "or": 0x09,  # Oriya
    "pa": 0x0A,  # Punjabi
    "ta": 0x0B,  # Tamil
    "te": 0x0C,  # Telugu
    "ur": 0x0D,  # Urdu
}

# National language identifier -> ISO 639-1 code.
LANGUAGES_BY_ID: dict[int, str] = {identifier: code for code, identifier in LANGUAGE_IDS.items()}

# ISO 639-1 code -> its locking shift table, 128 entries (None: undefined, and ESC).
# No "es": A.3.2 is void.
LOCKING_SHIFT_TABLES: dict[str, tuple[str | None, ...]] = {
    "tr": _locking(_TURKISH_LOCKING),
    "pt": _locking(_PORTUGUESE_LOCKING),
    "bn": _locking(_BENGALI_LOCKING),
    "gu": _locking(_GUJARATI_LOCKING),
    "hi": _locking(_HINDI_LOCKING),
    "kn": _locking(_KANNADA_LOCKING),
    "ml": _locking(_MALAYALAM_LOCKING),
    "or": _locking(_ORIYA_LOCKING),
    "pa": _locking(_PUNJABI_LOCKING),
    "ta": _locking(_TAMIL_LOCKING),
    "te": _locking(_TELUGU_LOCKING),
    "ur": _locking(_URDU_LOCKING),
}

# ISO 639-1 code -> its single shift table: code after ESC -> character, defined codes only.
SINGLE_SHIFT_TABLES: dict[str, dict[int, str]] = {
    "tr": _single_shift(_TURKISH_SINGLE_SHIFT),
    "es": _single_shift(_SPANISH_SINGLE_SHIFT),
    "pt": _single_shift(_PORTUGUESE_SINGLE_SHIFT),
    "bn": _single_shift(_BENGALI_SINGLE_SHIFT),
    "gu": _single_shift(_GUJARATI_SINGLE_SHIFT),
    "hi": _single_shift(_HINDI_SINGLE_SHIFT),
    "kn": _single_shift(_KANNADA_SINGLE_SHIFT),
    "ml": _single_shift(_MALAYALAM_SINGLE_SHIFT),
    "or": _single_shift(_ORIYA_SINGLE_SHIFT),
    "pa": _single_shift(_PUNJABI_SINGLE_SHIFT),
    "ta": _single_shift(_TAMIL_SINGLE_SHIFT),
    "te": _single_shift(_TELUGU_SINGLE_SHIFT),
    "ur": _single_shift(_URDU_SINGLE_SHIFT),
}

# Locking shift codes we decode but never send, because implementations read them
# differently (see the module docstring): the encoder skips them.
LOCKING_DECODE_ONLY: dict[str, frozenset[int]] = {
    "kn": frozenset({0x24}),
}


def locking_language(identifier: int) -> str | None:
    """The locking shift table named by a received IE 0x25, or None for the default alphabet.

    None for Spanish (A.3.2 is void) and for reserved identifiers, which a receiver
    ignores, decoding with the default alphabet.
    """
    language = LANGUAGES_BY_ID.get(identifier)
    return language if language in LOCKING_SHIFT_TABLES else None


def single_shift_language(identifier: int) -> str | None:
    """The single shift table named by a received IE 0x24, or None for the default extension.

    None for reserved identifiers, which a receiver ignores.
    """
    language = LANGUAGES_BY_ID.get(identifier)
    return language if language in SINGLE_SHIFT_TABLES else None
