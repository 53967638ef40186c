"""What the workers themselves say, in Simplified Chinese (see workers/texts.py)."""

WORKING = "⚙️ 正在处理…"
FAILED = "抱歉，回答时出了点问题。请稍后再试。"
TOO_SLOW = "⌛ 处理时间太长，已被停止。请试试更短的消息，或稍后再试。"
NOT_DELIVERED = "抱歉，Telegram 不接受我的回答，所以无法在这里显示。请试着要求更短或更小的内容。"
GAVE_UP = "抱歉，我尝试回答了好几次，但 worker 每次都停止了，所以我放弃了。请试试更短或不同的消息。"

TRANSLATED = "🌐 {source} → {target}："
DETECTED = "{language}（自动识别）"
NOT_SURE = "\n\n（不是{language}？请指定原文语言，例如 /translate es>{target} …）"
ALREADY_IN = "这段文字已经是{language}了。请指定要翻译成的语言，例如 /translate english …"

NO_VOICE = "🔇 我没有{language}的声音，所以无法朗读。我会说：{languages}。"
