package dev.slocket.test.sample;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Builds reports; 409 while another instance builds the same one. */
@RestController
class ReportController {

    private final ReportService reports;

    ReportController(ReportService reports) {
        this.reports = reports;
    }

    @GetMapping("/reports/{id}")
    ResponseEntity<String> report(@PathVariable String id) {
        String report = reports.build(id);
        return (report != null) ? ResponseEntity.ok(report) : ResponseEntity.status(HttpStatus.CONFLICT).build();
    }
}
