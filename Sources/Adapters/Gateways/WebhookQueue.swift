/// Webhook events handled one at a time, in arrival order, each once: a gateway may post the
/// same event again (its retry after a slow answer), and the webhook answers before the work is
/// done. The last 10,000 ids are remembered.
actor WebhookQueue<Item: Sendable> {
    private let handle: @Sendable (Item) async -> Void
    private var items: [Item] = []
    private var working = false
    private var seen: Set<String> = []
    private var order: [String] = []

    init(handle: @escaping @Sendable (Item) async -> Void) {
        self.handle = handle
    }

    /// Queues an event; false (and nothing queued) when its id was seen already.
    func add(_ item: Item, id: String?) -> Bool {
        if let id {
            guard seen.insert(id).inserted else { return false }
            order.append(id)
            if order.count > 10_000 { seen.remove(order.removeFirst()) }
        }
        items.append(item)
        if !working {
            working = true
            Task { await drain() }
        }
        return true
    }

    private func drain() async {
        while !items.isEmpty {
            await handle(items.removeFirst())
        }
        working = false
    }
}
