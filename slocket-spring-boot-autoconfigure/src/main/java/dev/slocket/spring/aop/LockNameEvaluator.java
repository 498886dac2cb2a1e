package dev.slocket.spring.aop;

import dev.slocket.spi.LockNames;

import java.lang.reflect.Method;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.common.CompositeStringExpression;
import org.springframework.expression.common.LiteralExpression;

/**
 * Evaluates a {@code @Mutexed} name template for one call: arguments by name ({@code #id}, with
 * {@code -parameters}), by position ({@code #p0}, {@code #a0}) and beans ({@code @bean}).
 */
public final class LockNameEvaluator {

    private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

    private final BeanFactoryResolver beanResolver;

    /**
     * @param beanFactory resolves {@code @bean} references
     */
    public LockNameEvaluator(BeanFactory beanFactory) {
        this.beanResolver = new BeanFactoryResolver(beanFactory);
    }

    /**
     * @param operation the method's declaration
     * @param target the bean the method runs on
     * @param args the call's arguments
     * @return a valid lock name
     * @throws IllegalArgumentException if the template cannot be evaluated, yields {@code null}
     *         or an invalid name
     */
    String evaluate(MutexedOperation operation, Object target, Object[] args) {
        if (operation.name() instanceof LiteralExpression literal) {
            // no expression: the name as written, without an evaluation context per call
            return valid(operation, literal.getExpressionString());
        }
        Method method = operation.method();
        MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(target, method, args,
                parameterNames);
        context.setBeanResolver(beanResolver);
        Expression expression = operation.name();
        Expression[] parts = expression instanceof CompositeStringExpression composite
                ? composite.getExpressions() : new Expression[] {expression};
        StringBuilder name = new StringBuilder();
        for (Expression part : parts) {
            name.append(evaluatePart(operation, part, context));
        }
        return valid(operation, name.toString());
    }

    private static String valid(MutexedOperation operation, String name) {
        try {
            return LockNames.validate(name);
        }
        catch (IllegalArgumentException ex) {
            throw failed(operation, "is not a valid lock name: " + ex.getMessage(), ex);
        }
    }

    private static String evaluatePart(MutexedOperation operation, Expression part, EvaluationContext context) {
        String value;
        try {
            value = part.getValue(context, String.class);
        }
        catch (EvaluationException ex) {
            throw failed(operation, "could not be evaluated: " + ex.getMessage(), ex);
        }
        if (value == null) {
            throw failed(operation, "evaluated to null in '#{" + part.getExpressionString() + "}'", null);
        }
        return value;
    }

    private static IllegalArgumentException failed(MutexedOperation operation, String problem, Exception cause) {
        return new IllegalArgumentException("The lock name '" + operation.template() + "' of "
                + operation.describeMethod() + " " + problem, cause);
    }
}
