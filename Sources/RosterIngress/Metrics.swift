import Hummingbird

/// `/metrics`: the ingress's counters in the Prometheus text format (0.0.4).
enum Metrics {
    static func response(_ audit: AuditQueue.Counters) -> Response {
        let lines = [
            ("roster_audit_records_enqueued_total", "counter", "Audit records queued by this ingress.", audit.enqueued),
            ("roster_audit_records_delivered_total", "counter", "Audit records the audit worker acknowledged.", audit.delivered),
            ("roster_audit_records_dropped_total", "counter", "Audit records dropped: both queue bounds were exhausted, or the worker refused them.", audit.dropped),
            ("roster_audit_queue_memory_records", "gauge", "Audit records waiting in memory.", audit.memoryRecords),
            ("roster_audit_queue_memory_bytes", "gauge", "Bytes of audit records waiting in memory.", audit.memoryBytes),
            ("roster_audit_queue_spool_bytes", "gauge", "Bytes of audit records waiting in the spool file.", audit.spoolBytes),
        ].map { "# HELP \($0.0) \($0.2)\n# TYPE \($0.0) \($0.1)\n\($0.0) \($0.3)\n" }.joined()
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: lines)))
    }
}
