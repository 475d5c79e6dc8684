/// Prompts of ordinary users: many intents, tones, lengths and languages, with follow-ups.
enum OrganicPrompts {
    static func prompt(_ rng: inout SeededRandom) -> String {
        if rng.chance(0.14) { return nonEnglish(&rng) }
        switch rng.int(0..<18) {
        case 0:
            return
                "Can you explain \(rng.pick(Vocabulary.concepts)) like I'm \(rng.pick(["five", "a high school student", "a new engineer", "my grandmother"]))?"
        case 1: return "Write a \(rng.pick(Vocabulary.tones)) \(rng.pick(Vocabulary.genres)) about \(rng.pick(Vocabulary.subjects))."
        case 2:
            let snippet = TextGenerator.code(&rng)
            return
                "Why does this \(snippet.language) code fail with \"\(rng.pick(Vocabulary.errors))\"?\n\n```\(snippet.language)\n\(snippet.code)\n```"
        case 3: return "How do I \(rng.pick(Vocabulary.codingTasks)) in \(rng.pick(Vocabulary.programmingLanguages))?"
        case 4: return "Help me \(rng.pick(Vocabulary.everydayTasks)). \(rng.chance(0.5) ? TextGenerator.sentence(&rng) : "")"
        case 5: return "Summarize this in \(rng.int(2...6)) bullet points:\n\n\(TextGenerator.prose(&rng, characters: rng.int(300...1500)))"
        case 6: return "Translate to \(rng.pick(Vocabulary.naturalLanguages)): \"\(TextGenerator.sentence(&rng))\""
        case 7: return "What's the difference between \(rng.pick(Vocabulary.concepts)) and \(rng.pick(Vocabulary.concepts))?"
        case 8:
            return
                "Proofread this email and make it more \(rng.pick(Vocabulary.tones)):\n\nHi \(rng.pick(Vocabulary.firstNames)),\n\(TextGenerator.paragraph(&rng, sentences: 2...6))\n\nThanks"
        case 9:
            return
                "\(rng.pick(["hey", "hi", "ok so", "quick question:"])) \(rng.pick(["is it normal that", "why does", "should I worry if"])) my \(rng.pick(["laptop", "sourdough", "car", "cat", "knee", "tomato plant"])) \(rng.pick(["makes a clicking noise", "is so flat", "won't start in the cold", "sleeps all day", "hurts after running", "has yellow leaves"]))?"
        case 10:
            return
                "Give me \(rng.int(3...15)) name ideas for \(rng.pick(["a coffee shop", "a podcast about history", "a budgeting app", "a fantasy kingdom", "my D&D character", "a bakery"]))"
        case 11:
            let snippet = TextGenerator.code(&rng)
            return "Refactor this to be more readable and add type hints/comments:\n```\(snippet.language)\n\(snippet.code)\n```"
        case 12:
            return
                "I have \(rng.pick(Vocabulary.datasets)) in a spreadsheet. Which chart should I use to show \(rng.pick(["the trend", "outliers", "the distribution", "seasonality"]))?"
        case 13: return "Is \(rng.pick(Vocabulary.concepts)) related to \(rng.pick(Vocabulary.concepts))? \(TextGenerator.sentence(&rng))"
        case 14: return TextGenerator.mathProblem(&rng)
        case 15:
            return
                "Write a SQL query that \(rng.pick(["finds the top 5 customers by revenue", "counts orders per day", "lists users who never logged in", "joins orders with refunds"])) given tables \(rng.pick(["orders(id, customer_id, amount, created_at)", "users(id, email, last_login)", "events(user_id, type, ts)"]))."
        case 16:
            return
                "What are the pros and cons of \(rng.pick(["renting vs buying", "remote work", "electric cars", "learning Rust first", "index funds vs stocks", "homeschooling"]))? Keep it \(rng.pick(["short", "balanced", "detailed"]))."
        default:
            return
                "\(rng.pick(Vocabulary.firstNames)) asked me about \(rng.pick(Vocabulary.concepts)) and I had no idea. \(rng.pick(["What should I tell them?", "Can you give me a quick overview?", "Where do I start?"]))"
        }
    }

    /// Languages `prompt(in:)` writes.
    static let languages: Set<String> = ["zh", "ru", "fa"]

    /// An everyday prompt in one language (`languages`).
    static func prompt(in language: String, _ rng: inout SeededRandom) -> String {
        switch language {
        case "zh":
            return rng.pick([
                "请帮我写一封给\(rng.pick(["老师", "房东", "客户", "同事"]))的邮件，说明我\(rng.pick(["下周请假", "付款会晚几天", "需要延期提交报告"]))。",
                "如何用\(rng.pick(["Python", "Excel", "JavaScript"]))\(rng.pick(["读取一个大文件", "合并两个表格", "处理日期"]))？",
                "周末在\(rng.pick(["多伦多", "旧金山", "悉尼", "温哥华"]))有什么适合带孩子去的地方？",
                "帮我把这段话翻译成英文：\(rng.pick(["明天的会议改到下午三点", "谢谢你的帮助", "我想预约下周的体检"]))",
                "\(rng.pick(["红烧肉", "饺子", "麻婆豆腐"]))怎么做才好吃？请给出详细步骤。",
            ])
        case "ru":
            return rng.pick([
                "Объясни простыми словами, что такое \(rng.pick(["инфляция", "нейронная сеть", "ипотека"])).",
                "Помоги написать письмо \(rng.pick(["арендодателю", "коллеге", "в банк"])) о переносе встречи.",
                "Как в \(rng.pick(["Python", "Excel"])) удалить дубликаты из списка?",
            ])
        default:
            return rng.pick([
                "لطفاً یک ایمیل کوتاه برای \(rng.pick(["همکارم", "صاحبخانه", "استادم"])) بنویس.",
                "چطور می‌توانم در \(rng.pick(["پایتون", "اکسل"])) داده‌های تکراری را حذف کنم؟",
            ])
        }
    }

    static func nonEnglish(_ rng: inout SeededRandom) -> String {
        let n = rng.int(2...20)
        switch rng.int(0..<13) {
        case 0:
            return
                "¿Puedes explicarme cómo funciona \(rng.pick(["la inflación", "la fotosíntesis", "el sistema inmunológico", "una red neuronal"])) con un ejemplo?"
        case 1: return "Escribe un poema corto sobre \(rng.pick(["el mar", "mi ciudad", "la lluvia", "el otoño"]))."
        case 2:
            return
                "Peux-tu m'aider à rédiger une lettre de motivation pour un poste de \(rng.pick(["développeur", "infirmière", "comptable", "professeur"])) ?"
        case 3:
            return "Quelle est la différence entre \(rng.pick(["un virus et une bactérie", "la météo et le climat", "l'ADN et l'ARN"])) ?"
        case 4:
            return
                "Kannst du mir erklären, wie \(rng.pick(["Zinseszins", "ein Verbrennungsmotor", "die Photosynthese", "Blockchain"])) funktioniert?"
        case 5: return "如何用Python读取一个大文件并统计每行的单词数？"
        case 6: return "请帮我写一封给\(rng.pick(["老师", "房东", "客户", "同事"]))的邮件，说明我\(rng.pick(["下周请假", "付款会晚几天", "需要延期提交报告"]))。"
        case 7: return "\(rng.pick(["東京", "大阪", "京都"]))で\(n)日間の旅行プランを立ててください。"
        case 8: return "この文章を自然な英語に翻訳してください：「\(rng.pick(["明日の会議は午後に変更になりました", "ご返信ありがとうございます", "資料を添付しました"]))」"
        case 9: return "\(rng.pick(["파이썬", "자바스크립트", "엑셀"]))에서 \(rng.pick(["리스트를 정렬하는", "중복을 제거하는", "날짜를 변환하는"])) 방법을 알려줘"
        case 10: return "다음 주 \(rng.pick(["면접", "발표", "시험"]))을 준비하는 방법을 알려주세요."
        case 11:
            return
                "Como faço para \(rng.pick(["economizar dinheiro", "aprender inglês rápido", "fazer pão caseiro"]))? Me dê \(n % 7 + 3) dicas."
        default: return "Объясни простыми словами, что такое \(rng.pick(["квантовая запутанность", "инфляция", "нейронная сеть"]))."
        }
    }

    static func followup(_ rng: inout SeededRandom) -> String {
        rng.pick([
            "Can you make it shorter?", "Thanks! What about the second point?", "Can you give an example?",
            "That didn't work, I still get an error.", "Now do the same in \(rng.pick(Vocabulary.programmingLanguages)).",
            "Make it more \(rng.pick(Vocabulary.tones)).", "Why?", "ok and how long would that take?",
            "Could you explain step 2 in more detail?", "Perfect. Can you turn it into a table?",
            "Hmm, are you sure? I read that \(TextGenerator.sentence(&rng).lowercased())",
            "gracias, ¿y en español?", "Can you add comments to the code?", "What would you recommend for a beginner?",
        ])
    }
}
