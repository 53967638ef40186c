"""What the workers themselves say, in Simplified Chinese (see workers/texts.py)."""

WORKING = "⚙️ 正在处理…"
FAILED = "抱歉，回答时出了点问题。请稍后再试。"
TOO_SLOW = "⌛ 处理时间太长，已被停止。请试试更短的消息，或稍后再试。"
GAVE_UP = "抱歉，我尝试回答了好几次，但 worker 每次都停止了，所以我放弃了。请试试更短或不同的消息。"

TRANSLATED = "🌐 {source} → {target}："
DETECTED = "{language}（自动识别）"
NOT_SURE = "\n\n（不是{language}？请指定原文语言，例如 /translate es>{target} …）"
ALREADY_IN = "这段文字已经是{language}了。请指定要翻译成的语言，例如 /translate english …"

NO_VOICE = "🔇 我没有{language}的声音，所以无法朗读。我会说：{languages}。"

DOCUMENT_REFUSED = {
    "encrypted": "🔒 这个 PDF 有密码保护，我读不了。请去掉密码（例如把它打印成新的 PDF）后再发一次。",
    "no_text": ("🖨 这个 PDF 里没有我能读的文字：它的页面是图片，就像扫描仪生成的那样。"
                "请先做文字识别（OCR），或者直接粘贴文字。"),
    "damaged": "📄 这个文件已损坏或不完整，我读不了。请重新保存或导出后发送新文件。",
    "unknown_kind": ("📄 我能读 PDF、Word（.docx）、HTML、Markdown 和纯文本文件，这个文件都不是。"
                     "请另存为其中一种格式后再发一次。"),
    "empty": "📄 这个文档里没有文字。",
    "too_heavy": "📄 读这个文档需要的内存超过了我允许的上限。请发一个小一些的，或者只发你需要的部分。",
    "too_slow": "⌛ 读这个文档花了超过 {seconds} 秒，所以我停下了。请发一个小一些的，或者只发你需要的部分。",
    "too_big": "📄 这个文件超过了 {megabytes} MB，超出我能读的大小。请发一个小一些的，或者只发你需要的部分。",
}
DOCUMENT_CUT = {
    "page": "✂️ 这个文档比我一次能读的更长：这里只涵盖它 {total} 页中的前 {read} 页。",
    "paragraph": "✂️ 这个文档比我一次能读的更长：这里只涵盖它的前 {chars} 个字符。",
}
DOCUMENT_USED = {"page": "📄 参考的页：{numbers}", "paragraph": "📄 参考的段落：{numbers}"}
DOCUMENT_PLACE = {"page": "第 {number} 页", "paragraph": "第 {number} 段"}
DOCUMENT_FOUND = "🔎 {name} 中与“{query}”最接近的段落："
TRANSLATION_IN_FILE = "📎 译文在下面的文件里，段落顺序和原文一样。"
