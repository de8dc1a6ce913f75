/// The knobs of ranking and of the answer / suggest / escalate decision.
///
/// Stored as JSON next to the corpus (`corpus/ranking.json`); `motcua calibrate` fits the
/// confidence model and the thresholds on the development queries and writes it.
package struct RankingConfiguration: Sendable, Codable, Hashable {
    /// BM25 saturation.
    package var k1: Float = 1.2
    /// BM25 length normalisation.
    package var b: Float = 0.75
    /// How multi-syllable words are represented.
    package var compounds: String = TermExtractor.Compounds.bigrams.rawValue
    /// Query weight of a folded term when the question carries diacritics (an exact accented
    /// match then counts 1 + this, a folded-only match this).
    package var foldedWeight: Float = 0.4
    /// Query weight of the accented terms guessed for a question typed without diacritics.
    package var restoredWeight: Float = 0.5
    /// Total query weight, in words, of the words one abbreviation or chat word expands to.
    package var expansionWeight: Float = 3
    /// Query weight of a bigram or dictionary word relative to a syllable.
    package var compoundWeight: Float = 0.7
    /// Query weight of a reference (document number, date, URL).
    package var referenceWeight: Float = 2.5
    /// Query weight of a stop word relative to other words.
    package var stopWordWeight: Float = 0.5
    /// Query weight of a synonym's terms relative to the words typed.
    package var synonymWeight: Float = 0.4
    /// Field weight of a variant phrasing relative to the main question.
    package var variantWeight: Float = 0.8
    /// Weight of the answer field, relative to the question.
    package var answerWeight: Float = 1.0
    /// Weight of the topic name field, relative to the answer field.
    package var topicWeight: Float = 0.5
    /// How much less an answer's own words count when many entries share it (divided by
    /// 1 + this × (entries − 1)): a reply given to many questions is a template, and its words
    /// say little about any one of them.
    package var sharedAnswerDiscount: Float = 0.3
    /// Weight of a group's questions taken together (every phrasing of every entry that shares
    /// the answer, as one document), relative to the best single phrasing.
    package var groupQuestionsWeight: Float = 1.0
    /// Weight of the cited documents' numbers and titles, relative to the answer field.
    package var referencesWeight: Float = 0.5
    /// For a group of entries sharing an answer: the share of the second-best entry's score
    /// added to the best one's (and this share squared of the third's). Several earlier
    /// questions with one answer are more evidence than one.
    package var groupSupport: Float = 0.8
    /// How much a phrasing's score depends on the share of the question's content words it
    /// holds (score × (1 − this + this × share)): an entry that explains two words of a
    /// five-word question must not beat one that holds all five because a rare pair of its
    /// words is adjacent. 0 is plain BM25F.
    package var coordination: Float = 0
    /// How much a phrasing's score depends on the share of its own content words the question
    /// holds (score × (1 − this + this × share)): the other side of `coordination`. A long
    /// entry whose words the question mostly repeats must not lose to a short one that shares a
    /// rare pair of words with it, which the length normalisation alone favours (BENCHMARKS.md,
    /// issue 15: the mixed knowledge base, the 100,000 synthetic entries). 0 is plain BM25F.
    package var entryCoverage: Float = 0
    /// How much whether the question asks what the entry's phrasings ask (`QuestionForm`: a
    /// place, a time, an amount, a way …) moves a result: score × (1 + this) when they share a
    /// form, × (1 − this) when both have forms and share none. 0: form is only a feature of the
    /// confidence model.
    package var questionFormWeight: Float = 0
    /// Read every posting list whole when a document outside the probed candidates could reach
    /// the top (exact but slower on large knowledge bases; see `KnowledgeIndex+Accumulate`).
    package var exhaustive = false
    /// The confidence model.
    package var confidence = ConfidenceModel()
    /// The model of whether the best result is right, fitted on the best results alone (the
    /// answer decision asks only that; `confidence` is fitted on the first five, for the
    /// suggestions too). Nil: the decision reads `confidence`.
    package var answerModel: ConfidenceModel?
    /// Confidence (of `answerModel` when there is one) from which the best result is given as
    /// the answer.
    package var answerThreshold: Float = 0.6
    /// Confidence from which the best results are offered as suggestions.
    package var suggestThreshold: Float = 0.25
    /// Confidence a result needs to be offered among suggestions (after the first two).
    package var optionThreshold: Float = 0.15

    /// The defaults.
    package init() {}

    /// The compounds setting as a value.
    package var compoundMode: TermExtractor.Compounds {
        TermExtractor.Compounds(rawValue: compounds) ?? .bigrams
    }

    /// The JSON keys.
    enum CodingKeys: String, CodingKey {
        case k1, b, compounds, foldedWeight, restoredWeight, expansionWeight, compoundWeight, referenceWeight, stopWordWeight, synonymWeight
        case variantWeight, answerWeight, sharedAnswerDiscount, groupQuestionsWeight, topicWeight, referencesWeight, groupSupport, coordination, entryCoverage, questionFormWeight, exhaustive, confidence, answerModel, answerThreshold
        case suggestThreshold, optionThreshold
    }

    /// Decodes a configuration; every missing key keeps its default.
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try c.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        let d = RankingConfiguration()
        k1 = try value(.k1, d.k1)
        b = try value(.b, d.b)
        compounds = try value(.compounds, d.compounds)
        foldedWeight = try value(.foldedWeight, d.foldedWeight)
        restoredWeight = try value(.restoredWeight, d.restoredWeight)
        expansionWeight = try value(.expansionWeight, d.expansionWeight)
        compoundWeight = try value(.compoundWeight, d.compoundWeight)
        referenceWeight = try value(.referenceWeight, d.referenceWeight)
        stopWordWeight = try value(.stopWordWeight, d.stopWordWeight)
        synonymWeight = try value(.synonymWeight, d.synonymWeight)
        variantWeight = try value(.variantWeight, d.variantWeight)
        answerWeight = try value(.answerWeight, d.answerWeight)
        topicWeight = try value(.topicWeight, d.topicWeight)
        sharedAnswerDiscount = try value(.sharedAnswerDiscount, d.sharedAnswerDiscount)
        groupQuestionsWeight = try value(.groupQuestionsWeight, d.groupQuestionsWeight)
        referencesWeight = try value(.referencesWeight, d.referencesWeight)
        groupSupport = try value(.groupSupport, d.groupSupport)
        coordination = try value(.coordination, d.coordination)
        entryCoverage = try value(.entryCoverage, d.entryCoverage)
        questionFormWeight = try value(.questionFormWeight, d.questionFormWeight)
        exhaustive = try value(.exhaustive, d.exhaustive)
        confidence = try value(.confidence, d.confidence)
        answerModel = try c.decodeIfPresent(ConfidenceModel.self, forKey: .answerModel)
        answerThreshold = try value(.answerThreshold, d.answerThreshold)
        suggestThreshold = try value(.suggestThreshold, d.suggestThreshold)
        optionThreshold = try value(.optionThreshold, d.optionThreshold)
    }
}
