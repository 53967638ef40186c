"""What the bot itself says, in German: the same names and {placeholders} as bot/texts.py."""

WELCOME = (
    "Hallo {name}! Ich bin Pipegram, ein KI-Assistent, der auf den eigenen Rechnern meines Betreibers läuft.\n\n"
    "Schreib mir einfach, und ich antworte. Mit /help siehst du alles, was ich kann."
)

HELP = (
    "Das kann ich:\n\n"
    "💬 Chat — schreib mir irgendetwas, z. B. \"Nenne mir drei Namen für eine graue Katze\". "
    "Ich merke mir die letzten Nachrichten dieses Chats.\n"
    "🌐 /translate french Guten Morgen — übersetzt in eine Sprache, genannt auf Englisch, mit ihrem eigenen Namen "
    "(Deutsch), per Code (fr, fra_Latn) oder als Quelle>Ziel (de>fr); die Sprache des Textes erkenne ich selbst. "
    "Antworte mit /translate auf eine Nachricht oder ein Dokument, um sie zu übersetzen; ohne Sprache nehme ich "
    "deine.\n"
    "/language spanish — die Sprache, in die /translate übersetzt, wenn du keine nennst\n"
    "📝 /summarize dein Text — oder antworte mit /summarize auf eine Nachricht oder ein Dokument, oder leite "
    "mir eine lange Nachricht weiter. /summarize short oder /summarize long bestimmt die Länge.\n"
    "🔗 /similar Eine Katze saß auf der Matte | Ein Kätzchen saß auf dem Teppich — wie ähnlich sich zwei Sätze "
    "in der Bedeutung sind\n"
    "🔎 /find wann ist das Treffen — die Nachrichten dieses Chats, die deinen Worten inhaltlich am nächsten sind\n"
    "📷 Schick ein Foto (oder eine Bilddatei) — ich markiere und zähle die Objekte darin\n"
    "✂️ /segment — als Bildunterschrift oder als Antwort auf ein Foto: seine Bereiche, jeder in eigener Farbe\n"
    "🖼 /caption — als Bildunterschrift oder als Antwort auf ein Foto: ein Satz über das Foto\n"
    "📄 Dokumente (PDF, Word, HTML, Markdown, Text) — antworte darauf oder schick sie mit dem Befehl als "
    "Beschriftung: /summarize, /translate german (die Übersetzung kommt auch als Datei), /find die Frist (die "
    "passendsten Stellen), /ask wann ist die Frist? (eine Antwort mit den Seiten, die sie verwendet hat)\n"
    "❓ /ask wie viele Personen sind zu sehen? — als Bildunterschrift oder als Antwort auf ein Foto: "
    "eine Antwort zum Foto\n"
    "/reset — unser Gespräch vergessen (und die für /find gespeicherten Nachrichten)\n"
    "/cancel — deine noch wartenden Anfragen abbrechen\n"
    "/status — welche Worker online sind, auf welchem Gerät, und wie viele Aufträge warten\n"
    "/usage — wie viel du heute von deinen Tageslimits verbraucht hast und wann sie zurückgesetzt werden\n"
    "\n"
    "🎙 Sprachnachrichten, Audiodateien und runde Videos — ich antworte mit dem, was gesagt wurde, in Absätzen "
    "(bis zur Grenze des Betreibers, mit einem lokalen Bot-API-Server stundenlang). In Gruppen: antworte mit "
    "/transcribe darauf.\n"
    "/transcribe timestamps — als Antwort auf eine Aufnahme: ihre Abschrift mit der Zeit jedes Absatzes\n"
    "/srt oder /vtt — Untertitel als .srt- oder WebVTT-Datei: antworte damit auf eine Aufnahme, oder schick sie "
    "mit dieser Bildunterschrift\n"
    "/speechlang de — die Sprache, die du in Aufnahmen sprichst (/speechlang auto, um sie zu erkennen)\n"
    "/voice on — Sprachmodus: ich beantworte deine Sprachnachrichten im Chat, als Text und als Sprachnachricht "
    "(/voice off)\n"
    "/say hallo zusammen — ich lese einen Text als Sprachnachricht vor, mit der Stimme seiner Sprache (oder "
    "antworte mit /say auf eine Nachricht)\n"
    "/classify dog barking, vacuum cleaner — antworte auf eine Aufnahme, und ich ordne die Begriffe danach, "
    "wie die Aufnahme klingt\n\n"
    "⚙️ /settings — Knöpfe für deine Übersetzungssprache, was eine Sprachnachricht zurückbringt, und die Länge "
    "der Antworten\n"
    "/help — diese Nachricht\n\n"
    "Jede Nachricht bekommt genau eine Antwort; während ich arbeite, siehst du \"schreibt…\"."
)

# Wird für die Admins des Bots (ADMIN_USERS) an /help angehängt.
ADMIN_HELP = (
    "\n\n🔑 Für Admins:\n"
    "/allow 123456 oder /allow @name — einen Nutzer sofort zulassen (oder antworte mit /allow auf seine Nachricht); "
    "/allow allein zeigt, wer den Bot nutzen darf, /allow everyone öffnet ihn für alle\n"
    "/deny 123456 oder /deny @name — einen Nutzer sofort aussperren; /deny everyone macht den Bot privat\n"
    "/stats — Aufträge, Latenz und Fehler pro Skill, die Warteschlangen und die heutige Nutzung"
)

QUEUED = "⏳ In der Warteschlange — Platz {position}{eta}"
QUEUED_ETA = ", etwa {duration}"

RESET_DONE = "🧹 Erledigt: Ich habe unser Gespräch vergessen. Worüber wollen wir reden?"

TRANSLATE_USAGE = (
    "Sag mir, was ich übersetzen soll: /translate french Guten Morgen, oder antworte mit /translate german auf "
    "eine Nachricht oder ein Dokument. Ohne Sprache übersetze ich in deine (siehe /language)."
)

UNKNOWN_LANGUAGE = (
    "Eine Sprache namens \"{words}\" kenne ich nicht.{suggestion} Nenne sie auf Englisch oder mit ihrem eigenen "
    "Namen (french, Deutsch, español), mit ihrem Code (fr, fra, pt-BR) oder ihrem NLLB-200-Code (fra_Latn), z. B. "
    "/translate english Guten Morgen. Um auch aus einer bestimmten Sprache zu übersetzen, schreib Quelle>Ziel: "
    "/translate de>fr Guten Morgen"
)
DID_YOU_MEAN = " Meintest du {names}?"
CANNOT_TRANSLATE = ("🌐 Mein Übersetzungsmodell kennt {name} nicht, daher kann ich weder in diese Sprache noch aus ihr "
                    "übersetzen. Es kennt 200 andere: Nenne eine auf Englisch, mit ihrem eigenen Namen oder per Code, "
                    "z. B. /translate english …")

LANGUAGE_NOW = ("🌐 /translate ohne Sprache übersetzt in diese Sprache: {name} ({code}). "
                "Ändern kannst du das z. B. mit /language spanish")

LANGUAGE_SET = "🌐 Erledigt: /translate ohne Sprache übersetzt jetzt in diese Sprache: {name} ({code})."

SUMMARIZE_USAGE = (
    "Sag mir, was ich zusammenfassen soll: /summarize dein Text, oder antworte mit /summarize auf eine Nachricht "
    "oder ein Dokument, oder leite mir eine lange Nachricht weiter. Für die Länge füge short oder long hinzu: "
    "/summarize short ..."
)

DOCUMENT_TOO_BIG = ("📄 Diese Datei ist über {megabytes} MB groß, mehr als ich lese. Schick eine kleinere oder nur den "
                    "Teil, den du brauchst.")
FIND_DOCUMENT_USAGE = "🔎 Sag mir, was ich im Dokument suchen soll, z. B. /find die Frist"
ASK_DOCUMENT_USAGE = "❓ Stell eine Frage zum Dokument, z. B. /ask wann ist die Frist?"

GROUP_NOT_ALLOWED = ("Entschuldigung, dieser Pipegram-Bot ist für diese Gruppe nicht freigeschaltet. "
                     "Sein Betreiber kann die ID der Gruppe ({chat_id}) zu ALLOWED_GROUPS hinzufügen.")

NOT_ALLOWED = (
    "Entschuldigung, dein Konto darf diesen Pipegram-Bot nicht nutzen. Wenn es das sollte, bitte den Betreiber des "
    "Bots, dich zuzulassen: Er schickt /allow {user_id}."
)

TOO_FAST = ("🐢 Das sind mehr als {limit} Nachrichten in einer Minute, daher überspringe ich einige. "
            "Warte eine Minute und schick dann, was du noch brauchst.")

TOO_MANY_WAITING = ("⏳ Du hast schon {count} wartende Anfragen. Die beantworte ich zuerst: schick das hier noch "
                    "einmal, wenn sie erledigt sind, oder brich sie mit /cancel ab.")

CANCELLED = ("🛑 {count} wartende Anfrage(n) abgebrochen. Was schon in Arbeit ist, wird trotzdem noch "
             "beantwortet.")

NOTHING_TO_CANCEL = "Von dir wartet nichts, also gibt es nichts abzubrechen."

UNKNOWN_COMMAND = "Den Befehl {command} kenne ich nicht. Mit /help siehst du, was ich kann."

TEXT_FILE_HINT = ("📄 Deine Datei ist angekommen. Antworte darauf mit /summarize, /translate und einer Sprache, "
                  "/find und ein paar Wörtern oder /ask und einer Frage, oder schick sie noch einmal mit einem "
                  "davon als Beschriftung.")

VISION_USAGE = ("📷 Schick mir ein Foto mit /segment, /caption oder /ask und einer Frage als Bildunterschrift, "
                "oder antworte mit einem dieser Befehle auf ein Foto.")

ASK_USAGE = "❓ Stell eine Frage zum Foto, z. B. /ask wie viele Personen sind zu sehen?"

NOT_AN_IMAGE = ("🖼 Diese Datei ist kein Bild, das ich ansehen kann. Schick ein Foto oder eine JPEG-, PNG- oder "
                "WebP-Datei.")

IMAGE_FILE_TOO_BIG = ("🖼 Diese Datei ist mir zu groß (über 20 MB). Schick sie als Foto oder ein kleineres "
                      "Bild.")

UNSUPPORTED = ("Mit {what} kann ich noch nichts anfangen. Schick mir eine Textnachricht, oder /help, um zu sehen, "
               "was ich kann.")
OTHER_KIND = "dieser Art von Nachricht"

# What a message holds, as users would name it, for UNSUPPORTED (in the dative: "mit Stickern").
MESSAGE_KINDS = [
    ("sticker", "Stickern"), ("animation", "GIFs"), ("location", "Standorten"), ("venue", "Orten"),
    ("poll", "Umfragen"), ("contact", "Kontakten"), ("dice", "Würfeln"), ("game", "Spielen"), ("video", "Videos"),
    ("video_note", "Videonachrichten"), ("voice", "Sprachnachrichten"), ("audio", "Audiodateien"),
    ("photo", "Fotos"), ("document", "Dateien"), ("story", "Storys"),
]

SAY_USAGE = ("Sag mir, was ich sagen soll, z. B. /say hallo zusammen, oder antworte mit /say auf eine "
             "Nachricht.")
SUBTITLES_USAGE = ("Antworte mit /{kind} auf eine Sprachnachricht oder Audiodatei, und ich schicke ihre Untertitel "
                   "als .{kind}-Datei (oder schick die Datei mit der Bildunterschrift /{kind}).")
TRANSCRIBE_USAGE = ("Antworte mit /transcribe auf eine Sprachnachricht, Audiodatei oder ein Video, und ich schicke, "
                    "was gesagt wurde; /transcribe timestamps fügt die Anfangszeit jedes Absatzes hinzu.")
TRANSCRIBE_GROUP_USAGE = ("Antworte mit /transcribe auf eine Sprachnachricht oder Audiodatei, und ich schicke, was "
                          "gesagt wurde (/transcribe timestamps fügt Zeiten hinzu). Jede Sprachnachricht dieser "
                          "Gruppe abschreiben: {current}; die Admins der Gruppe schalten es mit /transcribe on oder "
                          "/transcribe off.")
TRANSCRIBE_GROUP_SET = {
    "on": "🎙 Ab jetzt schreibe ich jede Sprachnachricht in dieser Gruppe ab.",
    "off": "🔇 Ab jetzt schreibe ich eine Sprachnachricht hier nur ab, wenn jemand mit /transcribe darauf antwortet.",
}
TRANSCRIBE_ADMINS_ONLY = "Das können nur die Admins dieser Gruppe ändern."
CLASSIFY_USAGE = ("Antworte auf eine Sprachnachricht oder Audiodatei mit Begriffen, durch Kommas getrennt, z. B. "
                  "/classify dog barking, vacuum cleaner, rain — ich ordne sie danach, wie die Aufnahme klingt.")
VOICE_USAGE = ("Der Sprachmodus steht auf „{current}“. Mit /voice on beantworte ich deine Sprachnachrichten im "
               "Chat, als Text und als Sprachnachricht; /voice off schaltet zurück auf reine Abschriften. In "
               "/settings gibt es eine dritte Wahl: die Abschrift nur als Datei.")
VOICE_SET = {
    "on": "🎙 Der Sprachmodus ist an: Schick mir eine Sprachnachricht, und ich beantworte sie schriftlich und "
          "laut.",
    "off": "📝 Der Sprachmodus ist aus: Auf Sprachnachrichten antworte ich mit ihrer Abschrift.",
}
SPEECHLANG_NOW = ("🗣 Ich erwarte {name} in deinen Aufnahmen. Ändern kannst du das per Name oder Code, z. B. "
                  "/speechlang german oder /speechlang de, oder mit /speechlang auto erkenne ich die Sprache jeder "
                  "Aufnahme selbst.")
SPEECHLANG_NOW_AUTO = ("🗣 Ich erkenne die Sprache jeder Aufnahme selbst. Wenn ich mich irre, nenne mir deine per "
                       "Name oder Code, z. B. /speechlang german oder /speechlang de.")
SPEECHLANG_UNKNOWN = ("Eine Sprache namens \"{words}\" kenne ich nicht.{suggestion} Nenne die Sprache, die du "
                      "sprichst, auf Englisch oder mit ihrem eigenen Namen (german, Deutsch) oder per Code (de), oder "
                      "schick /speechlang auto, dann erkenne ich sie in jeder Aufnahme selbst.")
SPEECHLANG_CANNOT = ("🗣 Mein Spracherkennungsmodell kann {name} nicht abschreiben. Wähle eine andere Sprache "
                     "(/speechlang german), oder schick /speechlang auto, dann erkenne ich sie selbst.")
SPEECHLANG_SET = "🗣 Verstanden: Ich erwarte {name} ({code}) in deinen Aufnahmen."
SPEECHLANG_AUTO = "🗣 Verstanden: Ich erkenne die Sprache jeder Aufnahme selbst."

COMMANDS = [
    ("translate", "Text übersetzen: /translate french Guten Morgen"),
    ("summarize", "Einen Text, eine Antwort oder ein Dokument zusammenfassen"),
    ("similar", "Zwei Sätze vergleichen: A | B"),
    ("find", "Die Nachrichten dieses Chats nach Bedeutung durchsuchen"),
    ("segment", "Bereiche eines Fotos einfärben: Bildunterschrift oder Antwort /segment"),
    ("caption", "Ein Foto beschreiben: Bildunterschrift oder Antwort /caption"),
    ("ask", "Frage zu einem Foto oder Dokument: /ask welche Rasse?"),
    ("language", "Deine Standardsprache für /translate"),
    ("help", "Was ich kann, mit Beispielen"),
    ("reset", "Unser Gespräch vergessen"),
    ("cancel", "Deine wartenden Anfragen abbrechen"),
    ("status", "Worker online und wartende Aufträge"),
    ("usage", "Deine Nutzung heute und was von deinen Limits übrig ist"),
    ("say", "Einen Text vorlesen: /say hallo zusammen"),
    ("transcribe", "Abschrift einer Aufnahme: antworte mit /transcribe darauf"),
    ("srt", "Untertitel einer Aufnahme: antworte mit /srt darauf"),
    ("vtt", "WebVTT-Untertitel einer Aufnahme: antworte mit /vtt darauf"),
    ("classify", "Geräusche einordnen: antworte mit /classify dog, rain"),
    ("voice", "Sprachnachrichten laut beantworten: /voice on oder off"),
    ("speechlang", "Sprache deiner Aufnahmen: /speechlang de"),
    ("settings", "Deine Einstellungen, mit Knöpfen"),
    ("start", "Hallo sagen"),
]

STATUS_WAITING = "Deine wartenden Anfragen: {waiting}"

SETTINGS = (
    "⚙️ Deine Einstellungen\n\n"
    "🌐 /translate ohne Sprache übersetzt in: {language}\n"
    "🎙 Eine Sprachnachricht bringt zurück: {voice}\n"
    "📏 Länge der Antworten: {length}\n\n"
    "Tippe auf einen Knopf, um etwas zu ändern. Für jede andere Übersetzungssprache schick /language und ihren "
    "Namen, z. B. /language italian."
)
SETTING_VALUES = {"on": "an", "off": "aus", "short": "kurz", "normal": "normal", "long": "lang"}
VOICE_REPLIES = {"off": "ihre Abschrift", "on": "ihre Abschrift und eine gesprochene Antwort (Sprachmodus)",
                 "file": "ihre Abschrift, nur als Datei"}
VOICE_BUTTONS = {"off": "📝 Abschrift", "on": "🎙 + Antwort", "file": "📄 Als Datei"}
LENGTH_BUTTONS = {"short": "Kurz", "normal": "Normal", "long": "Lang"}
SETTING_SAVED = "Gespeichert"
SETTING_STALE = "Dieser Knopf ist veraltet. Schick /settings für neue."

ADMIN_COMMANDS = [
    ("stats", "Aufträge, Latenz, Fehler und heutige Nutzung (nur Admins)"),
    ("allow", "Nutzer zulassen: /allow 123456 oder /allow @name"),
    ("deny", "Nutzer aussperren: /deny 123456 oder /deny @name"),
]
STATS_ONLY_ADMINS = "Entschuldigung, nur die Admins des Bots können /stats sehen."
STATS_HEADER = "📊 Aufträge pro Skill (Latenz = Warten + Laufen, über die letzten {keep} Aufträge):"
STATS_LINE = "• {skill}: Aufträge {jobs}, Fehler {errors}, p50 {p50}, p95 {p95}"
STATS_NONE = "Es ist noch kein Auftrag fertig geworden."
STATS_USAGE_HEADER = "👥 Nutzung heute (die Tageslimits werden in {reset} zurückgesetzt):"
STATS_USAGE_LINE = ("• {family}: {total} von {users} Nutzer(n), Limit {limit}, {full} haben es erreicht; "
                    "am meisten: {top}")
STATS_NO_LIMIT = "keins"
STATS_USAGE_NONE = "Heute hat noch niemand den Bot genutzt."

ACCESS_ONLY_ADMINS = "Entschuldigung, nur die Admins des Bots können /allow und /deny nutzen."
ACCESS_OPEN = "🔓 Der Bot ist offen: Alle dürfen ihn nutzen, außer diesen ausgesperrten Nutzern: {denied}."
ACCESS_PRIVATE = ("🔒 Der Bot ist privat: Nur Admins und diese Nutzer dürfen ihn nutzen: {allowed}.\n"
                  "Ausgesperrt: {denied}.")
ACCESS_USAGE = ("/allow 123456 oder /allow @name lässt einen Nutzer zu, /deny sperrt einen aus (oder antworte mit "
                "einem von beiden auf seine Nachricht). /allow everyone öffnet den Bot für alle außer Ausgesperrten; "
                "/deny everyone macht ihn wieder privat. Änderungen gelten sofort.")
ACCESS_NOBODY = "niemand"
ACCESS_MORE = " und {count} weitere"
ACCESS_ALLOWED = "✅ {user} darf den Bot jetzt nutzen."
ACCESS_NOW_PRIVATE = (" Der Bot war für alle offen; ab jetzt dürfen ihn nur Admins und die Nutzer auf seiner Liste "
                      "nutzen (/allow everyone öffnet ihn wieder).")
ACCESS_DENIED = "⛔ {user} darf den Bot nicht mehr nutzen. Bereits eingereihte Anfragen werden noch beantwortet."
ACCESS_DENY_ADMIN = ("{user} ist Admin (ADMIN_USERS), und Admins dürfen den Bot immer nutzen. Nimm die Person zuerst "
                     "aus ADMIN_USERS heraus.")
ACCESS_OPENED = ("🔓 Der Bot ist offen: Alle dürfen ihn jetzt nutzen, außer den {denied} Nutzer(n), die du "
                 "ausgesperrt hast.")
ACCESS_CLOSED = "🔒 Der Bot ist privat: Nur Admins und die {count} Nutzer auf seiner Liste dürfen ihn jetzt nutzen."
ACCESS_UNKNOWN_USERNAME = ("Ich kenne {name} nicht: Einen Nutzernamen lerne ich erst, wenn sein Inhaber mir schreibt, "
                           "und Bots können Nutzer nicht nachschlagen. Bitte die Person, mir irgendeine Nachricht zu "
                           "schicken (ich lehne sie ab, das ist in Ordnung), und versuch es dann noch einmal, oder "
                           "nimm ihre numerische ID, die ihr meine Ablehnung zeigt.")

QUOTA_FAMILIES = {"messages": "💬 Nachrichten", "audio": "🎙 Audiominuten", "images": "🖼 Bilder"}
QUOTA_UNITS = {"messages": "Nachrichten", "audio": "Audiominuten", "images": "Bilder"}
QUOTA_REACHED = ("⛔ Du hast alle {limit} {unit} für heute verbraucht. Mehr gibt es in {reset}, wenn die Tageslimits "
                 "zurückgesetzt werden (00:00 UTC); /usage zeigt, was dir bleibt.")
QUOTA_AUDIO_TOO_LONG = ("⛔ Diese Aufnahme ist {need} min lang, und dir bleiben heute {left} von {limit} Audiominuten. "
                        "Schick eine kürzere oder warte {reset}, bis die Tageslimits zurückgesetzt werden (00:00 UTC).")
QUOTA_LOW = "ℹ️ Dir bleiben {left} von {limit} {unit} für heute; sie werden in {reset} zurückgesetzt (00:00 UTC)."
USAGE_HEADER = "📊 Deine Nutzung heute:"
USAGE_LINE = "{family}: {used} von {limit} verbraucht, {left} übrig"
USAGE_UNLIMITED_LINE = "{family}: {used}, kein Limit"
USAGE_RESETS = "Die Tageslimits werden in {reset} zurückgesetzt (00:00 UTC)."
USAGE_NO_LIMITS = "Dieser Bot setzt keine Tageslimits."
USAGE_ADMIN = "Als Admin gelten die Limits für dich nicht."
