package dev.slocket.spring.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The property table of {@code docs/properties.md} lists every {@code slocket.*} key of the
 * generated configuration metadata exactly once and nothing else, and no Markdown table in it
 * or in README.md is broken (a blank line inside a table turns the rest into loose pipes).
 */
class PropertiesTableTests {

    private static final Path PROPERTIES = Path.of("..", "docs", "properties.md");

    /** Keys the table documents that the metadata of this module does not hold. */
    private static final Set<String> OTHER_KEYS = Set.of("management.health.slocket.enabled");

    @Test
    void theTableListsEveryKeyOfTheMetadataOnce() throws IOException {
        List<List<String>> tables = tables(Files.readAllLines(PROPERTIES));
        assertThat(tables).as("tables in %s", PROPERTIES).hasSize(1);
        List<String> keys = tables.get(0).stream().skip(2).map(row -> cells(row).get(0).replace("`", "")).toList();
        List<String> metadataKeys = JsonPath.read(metadata(), "$.properties[?(@.name =~ /slocket\\..*/)].name");
        List<String> expected = new ArrayList<>(metadataKeys);
        expected.addAll(OTHER_KEYS);
        assertThat(keys).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void everyTableIsUnbroken() throws IOException {
        for (Path file : List.of(PROPERTIES, Path.of("..", "README.md"))) {
            for (List<String> table : tables(Files.readAllLines(file))) {
                assertThat(table.size()).as("a table of %s starting %s has a header", file, table.get(0))
                        .isGreaterThanOrEqualTo(2);
                assertThat(table.get(1)).as("the separator row of the table of %s starting %s", file, table.get(0))
                        .matches("\\|(\\s*:?-+:?\\s*\\|)+");
                int columns = cells(table.get(0)).size();
                for (String row : table) {
                    assertThat(cells(row)).as("cells of '%s' in %s", row, file).hasSize(columns);
                }
            }
        }
    }

    /** @return the runs of consecutive lines starting with '|' outside code blocks */
    private static List<List<String>> tables(List<String> lines) {
        List<List<String>> tables = new ArrayList<>();
        List<String> current = null;
        boolean code = false;
        for (String line : lines) {
            if (line.stripLeading().startsWith("```")) {
                code = !code;
            }
            if (!code && line.startsWith("|")) {
                if (current == null) {
                    current = new ArrayList<>();
                    tables.add(current);
                }
                current.add(line.strip());
            }
            else {
                current = null;
            }
        }
        return tables;
    }

    /** @return the cells of a row; a '|' inside backticks belongs to its cell */
    private static List<String> cells(String row) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean code = false;
        for (char c : row.substring(1).toCharArray()) {
            if (c == '`') {
                code = !code;
            }
            if (c == '|' && !code) {
                cells.add(cell.toString().strip());
                cell.setLength(0);
            }
            else {
                cell.append(c);
            }
        }
        return cells;
    }

    private static Object metadata() throws IOException {
        try (InputStream in = new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream()) {
            return JsonPath.parse(in).json();
        }
    }
}
