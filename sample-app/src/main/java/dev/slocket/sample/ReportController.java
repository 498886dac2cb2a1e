package dev.slocket.sample;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /reports/{id}} builds a report; requests for one id wait for each other. */
@RestController
public class ReportController {

    private final ReportService reports;

    public ReportController(ReportService reports) {
        this.reports = reports;
    }

    @GetMapping("/reports/{id}")
    public Report report(@PathVariable String id) throws InterruptedException {
        return reports.build(id);
    }
}
